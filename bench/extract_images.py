#!/usr/bin/python3
"""`neuroncert extract --images` against the same pipeline in PyTorch, on a folder of JPEGs.

Shape (issue 13): N 224x224 JPEGs (quality 90, smooth random content, made here with PIL) and a
ResNet-18-sized TorchScript model with random weights (torchvision.models.resnet18(weights=None),
seed 0, traced to return {"penultimate": avgpool features, "logits": fc}), both in a temp folder.
Both sides decode every file, Resize(256, bilinear, antialias) + CenterCrop(224) + ImageNet
normalisation on float tensors, run the model in batches of --batch-size and keep the 512
penultimate features per image:
  C++      `neuroncert extract --images DIR --model resnet18.pt --layer penultimate --threads T`
           (the whole process: decoding on its worker threads, one batch per worker at a time);
  PyTorch  a torch.utils.data.DataLoader with --workers processes (torchvision.io.decode_jpeg,
           torchvision.transforms.functional on tensors), the model in the main process with
           torch.set_num_threads(T), under no_grad; the whole process, model load included.
For each N in --n: images/s of both, the ratio, and peak RSS (the C++ process; PyTorch's main
process and its largest DataLoader worker). Peak memory must not grow with N: compare the rows.
Also the largest difference between the two feature matrices (same decoder library, so it is
float round-off of the batched forward passes). Usage:
  bench/extract_images.py [--build DIR] [--n 500,2000] [--batch-size 64] [--threads T] [--workers W] [--keep DIR]
Prints the load average first: numbers are only comparable on a quiet machine.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MAKE_MODEL = r"""
import sys, torch, torchvision
torch.manual_seed(0)
net = torchvision.models.resnet18(weights=None).eval()
class Features(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net
    def forward(self, x):
        n = self.net
        x = n.maxpool(n.relu(n.bn1(n.conv1(x))))
        x = n.layer4(n.layer3(n.layer2(n.layer1(x))))
        p = torch.flatten(n.avgpool(x), 1)
        return {"penultimate": p, "logits": n.fc(p)}
with torch.no_grad():
    traced = torch.jit.trace(Features(net).eval(), torch.zeros(2, 3, 224, 224), strict=False)
traced.save(sys.argv[1])
"""

PYTORCH_SIDE = r"""
import os, resource, sys, time
t0 = time.perf_counter()
import numpy as np, torch, torchvision
import torchvision.transforms.functional as F
from torchvision.io import decode_jpeg, read_file
folder, model_path, out, batch, threads, workers = sys.argv[1:7]
batch, threads, workers = int(batch), int(threads), int(workers)
torch.set_num_threads(threads)
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
class Folder(torch.utils.data.Dataset):
    def __init__(self, root):
        self.files = sorted(os.path.join(root, f) for f in os.listdir(root) if f.endswith(".jpg"))
    def __len__(self):
        return len(self.files)
    def __getitem__(self, i):
        x = decode_jpeg(read_file(self.files[i])).float().div(255)
        x = F.resize(x, 256, antialias=True)
        x = F.center_crop(x, 224)
        return F.normalize(x, MEAN, STD)
model = torch.jit.load(model_path).eval()
loader = torch.utils.data.DataLoader(Folder(folder), batch_size=batch, num_workers=workers)
feats = []
with torch.no_grad():
    for x in loader:
        feats.append(model(x)["penultimate"])
np.save(out, torch.cat(feats).numpy())
t1 = time.perf_counter()
print(t1 - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def make_images(folder, n, seed=0):
    """n smooth random 224x224 JPEGs (quality 90): a 14x14 random colour field upscaled, plus noise."""
    from PIL import Image
    rng = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    for i in range(n):
        small = Image.fromarray(rng.integers(0, 256, (14, 14, 3), dtype=np.uint8))
        big = np.asarray(small.resize((224, 224), Image.BICUBIC), dtype=np.int16)
        big = np.clip(big + rng.integers(-12, 13, big.shape), 0, 255).astype(np.uint8)
        Image.fromarray(big).save(os.path.join(folder, f"{i:06d}.jpg"), quality=90)


def run_timed(cmd):
    """Runs cmd; returns (wall seconds, peak RSS in MiB of the process, stdout)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--n", default="500,2000", help="image counts, comma-separated")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--workers", type=int, default=min(4, os.cpu_count()))
    ap.add_argument("--keep", help="keep the images, model and outputs in this folder")
    args = ap.parse_args()
    exe = os.path.join(args.build, "apps", "neuroncert")
    if not os.access(exe, os.X_OK):
        sys.exit(f"no {exe}: build first (scripts/build) or pass --build")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; batch {args.batch_size}, "
          f"threads {args.threads}, DataLoader workers {args.workers}")
    work = args.keep or tempfile.mkdtemp(prefix="neuroncert_bench_images_")
    os.makedirs(work, exist_ok=True)
    try:
        model = os.path.join(work, "resnet18.pt")
        subprocess.run([sys.executable, "-c", MAKE_MODEL, model], check=True)
        print(f"{'N':>7} {'neuroncert img/s':>17} {'PyTorch img/s':>14} {'ratio':>6} {'C++ peak MiB':>13} "
              f"{'PyTorch peak MiB (main, worker)':>32} {'max |diff|':>11}")
        for n in [int(v) for v in args.n.split(",")]:
            folder = os.path.join(work, f"images_{n}")
            if not os.path.isdir(folder):
                make_images(folder, n)
            out_c = os.path.join(work, f"cpp_{n}.npy")
            wall_c, rss_c, _ = run_timed([exe, "extract", "--images", folder, "--model", model, "--layer", "penultimate",
                                          "--batch-size", str(args.batch_size), "--threads", str(args.threads),
                                          "--no-progress", "--out", out_c])
            out_p = os.path.join(work, f"torch_{n}.npy")
            wall_p, rss_p, line = run_timed([sys.executable, "-c", PYTORCH_SIDE, folder, model, out_p,
                                             str(args.batch_size), str(args.threads), str(args.workers)])
            _, main_kib, child_kib = line.split()
            diff = float(np.abs(np.load(out_c) - np.load(out_p)).max())
            print(f"{n:7d} {n / wall_c:17.1f} {n / wall_p:14.1f} {wall_p / wall_c:6.2f} {rss_c:13.0f} "
                  f"{float(main_kib) / 1024:21.0f}, {float(child_kib) / 1024:8.0f} {diff:11.2e}", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("ratio = PyTorch time / neuroncert time (> 1: neuroncert faster); both include process start and model load")


if __name__ == "__main__":
    main()
