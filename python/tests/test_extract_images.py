"""extract on the user's own image files: the same study as the CLI's --images/--files/--labels, and
read_image's pixels against PIL's (the loader torchvision's ImageFolder uses)."""
import os

import numpy as np
import pytest
from PIL import Image

import neuroncert

DATA = os.environ.get("NEURONCERT_DATA") or ""
IMAGES = os.path.join(DATA, "images")
FEATURES = os.path.join(DATA, "resnet20_cifar10_features.torchscript.pt")


def test_extract_images_equals_the_cli(cli, tmp_path):
    folder, labels = os.path.join(IMAGES, "imagefolder"), os.path.join(IMAGES, "labels.csv")
    cli("extract", "--model", FEATURES, "--images", folder, "--labels", labels, "--resize", 40, "--crop", 32,
        "--layer", "penultimate", "--batch-size", 16, "--out", tmp_path / "acts.npy", "--no-progress")
    got = neuroncert.extract(FEATURES, images=folder, labels=labels, resize=40, crop=32, layer="penultimate",
                             batch_size=16)
    assert np.array_equal(got["activations"], np.load(tmp_path / "acts.npy"))
    assert np.array_equal(got["concepts"], np.load(tmp_path / "acts_concepts.npy"))
    assert got["concept_names"] == (tmp_path / "acts_concepts.txt").read_text().split("\n")[:-1]
    assert got["files"] == (tmp_path / "acts_files.txt").read_text().split("\n")[:-1]
    assert got["skipped"] == [] and got["resize"] == 40 and got["crop"] == 32
    # files=[...]: paths relative to the current folder, in the order given.
    order = got["files"][::-1][:10]
    here = os.getcwd()
    try:
        os.chdir(folder)
        listed = neuroncert.extract(FEATURES, files=order, resize=40, crop=32, layer="penultimate", batch_size=16)
    finally:
        os.chdir(here)
    assert listed["files"] == order
    rows = [got["files"].index(f) for f in order]
    assert np.array_equal(listed["activations"], got["activations"][rows])
    with pytest.raises(ValueError, match="data: not used with images"):
        neuroncert.extract(FEATURES, "cifar10", "penultimate", images=folder)


def test_extract_images_skip_bad(tmp_path):
    for name in ("a.png", "b.png"):
        Image.fromarray(np.full((8, 8, 3), 100, np.uint8)).save(tmp_path / name)
    (tmp_path / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    with pytest.raises(ValueError, match="c.png"):
        neuroncert.extract("resnet20", images=tmp_path, layer="penultimate")
    out = neuroncert.extract("resnet20", images=tmp_path, layer="penultimate", skip_bad=True)
    assert out["files"] == ["a.png", "b.png"] and [f for f, _ in out["skipped"]] == ["c.png"]
    assert out["activations"].shape == (2, 64) and out["concepts"].shape == (2, 0)


def _pil_cases(tmp_path):
    """(file, expected pixels) for each colour type PIL writes: expected as PIL's convert("RGB")."""
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (13, 17, 3), dtype=np.uint8)
    grey = rng.integers(0, 256, (13, 17), dtype=np.uint8)
    cases = []

    def add(img, name, **kw):
        path = tmp_path / name
        img.save(path, **kw)
        cases.append((path, np.asarray(Image.open(path).convert("RGB"))))

    add(Image.fromarray(rgb), "rgb.png")
    add(Image.fromarray(grey), "grey.png")
    add(Image.fromarray(grey).convert("1"), "bilevel.png")
    add(Image.fromarray(np.dstack([grey, grey[::-1]])), "grey_alpha.png")
    add(Image.fromarray(np.dstack([rgb, grey])), "rgba.png")
    add(Image.fromarray(rgb).quantize(16), "palette.png")
    add(Image.fromarray(rgb).quantize(16), "palette_trns.png", transparency=3)
    add(Image.fromarray(rgb), "rgb420.jpg", quality=90)
    add(Image.fromarray(rgb), "rgb444.JPEG", quality=95, subsampling=0)
    add(Image.fromarray(rgb), "progressive.jpg", quality=80, progressive=True)
    add(Image.fromarray(grey), "grey.jpg", quality=90)
    add(Image.fromarray(rgb).convert("CMYK"), "cmyk.jpg", quality=90)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation "rotate 90 CW": stored pixels kept, as PIL's open and torchvision's loader
    add(Image.fromarray(rgb), "exif_rotated.jpg", quality=90, exif=exif)
    return cases


def test_read_image_equals_pil(tmp_path):
    cases = _pil_cases(tmp_path)
    assert Image.open(tmp_path / "exif_rotated.jpg").getexif()[0x0112] == 6
    for path, want in cases:
        got = neuroncert.read_image(path)
        assert got.dtype == np.uint8 and got.shape == want.shape, path.name
        assert np.array_equal(got, want), path.name
    # The fixture's JPEGs: PIL's pixels, stored in the fixture (libjpeg-turbo both).
    jpgs = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(IMAGES, "imagefolder")) for f in fs
                  if f.endswith(".jpg"))
    ref = np.load(os.path.join(IMAGES, "ref_jpeg_decoded.npy"))
    assert np.array_equal(np.stack([neuroncert.read_image(f) for f in jpgs]), ref)


def test_read_image_16_bit_keeps_the_high_byte(tmp_path):
    # PIL writes 16-bit grey (mode I;16); its own convert("RGB") saturates at 255, neuroncert keeps
    # the high byte (as PIL does for 16-bit colour): v >> 8.
    v = (np.arange(13 * 17, dtype=np.uint16).reshape(13, 17) * 300)
    Image.fromarray(v, "I;16").save(tmp_path / "g16.png")
    got = neuroncert.read_image(tmp_path / "g16.png")
    assert np.array_equal(got, np.repeat((v >> 8).astype(np.uint8)[:, :, None], 3, axis=2))


def test_read_image_errors_name_the_file(tmp_path):
    data = open(os.path.join(IMAGES, "imagefolder", "apple", "9.jpg"), "rb").read()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="cut.jpg.*Premature end"):
        neuroncert.read_image(tmp_path / "cut.jpg")
    # Data ending early at an end marker: PIL decodes it (libjpeg fills the rest), and so does neuroncert.
    (tmp_path / "cut_eoi.jpg").write_bytes(data[: len(data) * 2 // 3] + b"\xff\xd9")
    want = np.asarray(Image.open(tmp_path / "cut_eoi.jpg").convert("RGB"))
    assert np.array_equal(neuroncert.read_image(tmp_path / "cut_eoi.jpg"), want)
    with pytest.raises(ValueError, match="missing.png"):
        neuroncert.read_image(tmp_path / "missing.png")
