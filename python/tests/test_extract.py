"""extract: the CLI's activations, and the user's own images."""
import numpy as np

import neuroncert


def test_extract_equals_the_cli_and_own_images(cli, tmp_path):
    cli("extract", "--model", "resnet20", "--data", "cifar10", "--layer", "penultimate", "--limit", 64,
        "--out", tmp_path / "acts.npy", "--no-progress")
    want = np.load(tmp_path / "acts.npy")
    got = neuroncert.extract("resnet20", "cifar10", "penultimate", limit=64)
    assert got["activations"].dtype == np.float32 and np.array_equal(got["activations"], want)
    assert np.array_equal(got["concepts"], np.load(tmp_path / "acts_concepts.npy"))
    assert got["concept_names"][:2] == ["airplane", "automobile"]
    assert len(got["labels"]) == 64
    # The same images given as an array: the same activations.
    from_array = neuroncert.extract("resnet20", got["images"] if "images" in got else _cifar_images(64),
                                    "penultimate")
    assert np.array_equal(from_array["activations"], want)


def _cifar_images(n):
    """The first n CIFAR-10 test images as uint8 [n, 3, 32, 32], read from the binary file."""
    import os
    data = os.environ.get("NEURONCERT_DATA")
    raw = np.fromfile(os.path.join(data, "cifar10_test.bin"), dtype=np.uint8, count=n * 3073).reshape(n, 3073)
    return raw[:, 1:].reshape(n, 3, 32, 32).copy()


def test_extract_errors_name_the_argument():
    import pytest
    with pytest.raises(ValueError, match="layer"):
        neuroncert.extract("resnet20", "cifar10", None)
    with pytest.raises(ValueError, match="unknown layer 'nope'"):
        neuroncert.extract("resnet20", "cifar10", "nope", limit=8)
    with pytest.raises(ValueError, match="unknown data set 'mnist'"):
        neuroncert.extract("resnet20", "mnist", "logits")
    with pytest.raises(ValueError, match="threads must lie between 0 and 256"):
        neuroncert.extract("resnet20", "cifar10", "logits", threads=1000)
    with pytest.raises(ValueError, match="images: expected uint8"):
        neuroncert.extract("resnet20", np.zeros((2, 32, 32), dtype=np.uint8), "logits")


def test_extract_missing_data_directory_is_one_clear_error(monkeypatch):
    import pytest
    for name in ("NEURONCERT_DATA", "NEURONCERT_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(FileNotFoundError, match=r"^data_dir: '/nonexistent/data' is not a directory;.*docs/data\.md"):
        neuroncert.extract("resnet20", "cifar10", "penultimate", data_dir="/nonexistent/data")
    monkeypatch.setenv("NEURONCERT_DATA", "/nonexistent/env")
    with pytest.raises(FileNotFoundError, match=r"^\$NEURONCERT_DATA: '/nonexistent/env' is not a directory;"):
        neuroncert.extract("resnet20", "cifar10", "penultimate")
    monkeypatch.delenv("NEURONCERT_DATA")
    monkeypatch.setenv("NEURONCERT_DATA_DIR", "/nonexistent/old")  # the older name, still read
    with pytest.raises(FileNotFoundError, match=r"^\$NEURONCERT_DATA_DIR: '/nonexistent/old'"):
        neuroncert.extract("resnet20", "cifar10", "penultimate")
