"""Hostile dataset inputs: every one is refused with a DatasetError that names the file or the
parameter and says what to do, never a traceback, a MemoryError or data that silently turns into
inf/NaN; and `describe_dataset` (``playground check``) says exactly what `load_dataset` (training) says."""

from __future__ import annotations

import functools
import io
import json
import pathlib
import struct
import tempfile
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from playground.core import memory
from playground.core.data import clear_cache, describe_dataset, load_dataset, register_image_decoder
from playground.core.data import image_folder as image_folder_module
from playground.core.data import images as image_module
from playground.core.data import loading as loading_module
from playground.core.data.assemble import RawData, assemble
from playground.core.data.images import decode_png_bytes
from playground.core.data.user_files import resolve_user_path
from playground.core.errors import DatasetError
from playground.core.experiment.schema import DataSpec, Split

GB = 10**9


def spec(dataset: str, split: tuple[float, float, float] = (0.7, 0.15, 0.15), **params) -> DataSpec:
    return DataSpec(dataset=dataset, params=params, split=Split(train=split[0], val=split[1], test=split[2]), seed=0)


def load_error(data: DataSpec, base_dir: Path | None) -> str:
    """The message load_dataset refuses `data` with (the test fails if it loads or raises anything else)."""
    clear_cache()
    with pytest.raises(DatasetError) as caught:
        load_dataset(data, base_dir=base_dir)
    return str(caught.value)


def table(rows: int = 20) -> list[str]:
    return [f"{i},{i * 0.5},{i % 2}" for i in range(rows)]


def write_csv(path: Path, lines: list[str], header: str = "a,b,label") -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def npy_header(shape: tuple[int, ...], descr: str = "<f8") -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


@functools.lru_cache(maxsize=4)
def png(width: int, height: int, depth: int, colour: int, rows: int | None = None) -> bytes:
    """A PNG with all-zero pixels; `rows` limits how many scanlines the IDAT really holds."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    line = bytes((width * channels * depth + 7) // 8 + 1)
    packer = zlib.compressobj(1)
    data = b"".join(packer.compress(line) for _ in range(height if rows is None else rows)) + packer.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def folder_of_pngs(root: Path, per_class: int = 3, size: int = 4) -> Path:
    for name in ("cat", "dog"):
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            (root / name / f"{i}.png").write_bytes(png(size, size, 8, 0))
    return root


@pytest.fixture
def little_memory(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Pretend the machine has `n` bytes, free and total (the loaders ask playground.core.memory)."""

    def set_memory(n: int) -> None:
        monkeypatch.setattr(memory, "usable_memory_bytes", lambda: n)
        monkeypatch.setattr(memory, "machine_memory_bytes", lambda: n)

    return set_memory


# ---- 1. data.params.path: any path problem names the parameter ------------------------------------


def test_unknown_user_in_the_path_names_data_params_path(tmp_path: Path) -> None:
    message = load_error(spec("csv", path="~nosuchuser_4711/data.csv"), tmp_path)
    assert "data.params.path" in message and "nosuchuser_4711" in message


def test_nul_character_in_the_path_is_named_as_such(tmp_path: Path) -> None:
    message = load_error(spec("npz", path="data\x00.npz"), tmp_path)
    assert "data.params.path" in message and "NUL" in message


def test_too_long_file_name_names_data_params_path_and_says_shorten(tmp_path: Path) -> None:
    message = load_error(spec("csv", path="a" * 300 + ".csv"), tmp_path)
    assert "data.params.path" in message and "too long" in message and len(message) < 600


def test_permission_denied_on_stat_names_data_params_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_stat = pathlib.Path.stat

    def stat(self: Path, *args, **kwargs):
        if "locked" in str(self):
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "stat", stat)
    message = load_error(spec("csv", path="locked/data.csv"), tmp_path)
    assert "permission denied" in message and "data.params.path" in message


@given(
    st.one_of(
        st.text(min_size=1, max_size=40),
        st.text(max_size=20).map(lambda t: "~" + t),
        st.text(max_size=10).map(lambda t: t + "\x00"),
        st.integers(256, 5000).map(lambda n: "x" * n),
    )
)
@settings(max_examples=60)
def test_resolve_user_path_returns_a_path_or_raises_only_dataset_error(raw: str) -> None:
    try:
        path = resolve_user_path(raw, Path("/nonexistent-base"), "CSV file")
    except DatasetError as exc:
        assert "data.params.path" in str(exc)
    else:
        assert path.is_absolute()


def test_playground_check_reports_an_unknown_user_instead_of_crashing(tmp_path: Path) -> None:
    from playground.commands.check import check_file

    preset = json.loads((Path(__file__).resolve().parents[2] / "presets" / "xor.json").read_text(encoding="utf-8"))
    preset["data"] = {"dataset": "csv", "params": {"path": "~nosuchuser_4711/data.csv"}}
    experiment = tmp_path / "exp.json"
    experiment.write_text(json.dumps(preset), encoding="utf-8")
    result = check_file(experiment)
    assert len(result.errors) == 1 and "data.params.path" in result.errors[0]["message"]


# ---- 2. CSV quoting and bytes that are not text ----------------------------------------------------


@given(st.integers(0, 30), st.integers(2, 40))
@settings(max_examples=25)
def test_unterminated_quote_is_reported_at_the_line_where_it_opens(before: int, after: int) -> None:
    # `before` good rows, then a row whose quote never closes, then `after` more rows it swallows
    with tempfile.TemporaryDirectory() as folder:
        lines = table(before) + ['"7,3.5,1'] + table(after)
        write_csv(Path(folder) / "data.csv", lines)
        message = load_error(spec("csv", path="data.csv"), Path(folder))
    assert message == f'data.csv, line {before + 2}: a quote (") is opened but never closed; check the quoting'


def test_unterminated_quote_in_a_file_beyond_the_csv_field_limit_names_the_opening_line(tmp_path: Path) -> None:
    write_csv(tmp_path / "big.csv", table(3) + ['1,"2,0'] + table(8000))  # the swallowed rest is > 131,072 chars
    assert load_error(spec("csv", path="big.csv"), tmp_path).startswith('big.csv, line 5: a quote (") is opened')


def test_quote_closed_on_a_later_line_names_both_lines(tmp_path: Path) -> None:
    write_csv(tmp_path / "d.csv", table(4) + ['1,"2,0', "3,4", '5",6,1'] + table(10))
    message = load_error(spec("csv", path="d.csv"), tmp_path)
    assert message.startswith('d.csv, line 6: a quote (") opened here is closed only on line 8')


def test_text_after_a_closing_quote_is_a_quoting_error_not_a_merged_number(tmp_path: Path) -> None:
    write_csv(tmp_path / "d.csv", table(20) + ['"1"5,2,0'])  # the lenient csv module would read 15
    message = load_error(spec("csv", path="d.csv"), tmp_path)
    assert message.startswith("d.csv, line 22: a closing quote") and "check the quoting" in message


def test_stray_quote_inside_a_number_is_named_as_a_stray_quote(tmp_path: Path) -> None:
    write_csv(tmp_path / "d.csv", table(20) + ['1"5,2,0'])
    message = load_error(spec("csv", path="d.csv"), tmp_path)
    assert "line 22" in message and "stray quote" in message


def test_nul_byte_says_the_file_is_not_text_and_where(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_bytes("a,b,label\n".encode("utf-16-le"))  # UTF-16 without BOM is valid UTF-8
    assert "line 1: the file contains a NUL byte" in load_error(spec("csv", path="d.csv"), tmp_path)
    write_csv(tmp_path / "e.csv", table(20) + ["1\x00,2,0"])
    assert "e.csv, line 22: the file contains a NUL byte" in load_error(spec("csv", path="e.csv"), tmp_path)


def test_number_too_large_for_a_float_is_not_called_text(tmp_path: Path) -> None:
    write_csv(tmp_path / "d.csv", table(20) + ["1e400,2,0"])
    message = load_error(spec("csv", path="d.csv"), tmp_path)
    assert "line 22" in message and "'1e400', which is not a finite number" in message


# ---- 3. NPZ arrays bigger than the machine, zip bombs, members that are not arrays -----------------


def test_npz_bigger_than_memory_is_refused_from_its_header_with_both_figures(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "data.npz", "w") as archive:  # 1.2 TB declared in a 100-byte header
        archive.writestr("x.npy", npy_header((1_000_000, 3, 224, 224)))
        archive.writestr("y.npy", npy(np.zeros(1_000_000, np.int64)))
    message = load_error(spec("npz", path="data.npz"), tmp_path)
    assert message.startswith("data.npz: x is 1,000,000 × 3 × 224 × 224 float64 values; loading and standardising")
    assert f"this machine has {memory.format_bytes(memory.machine_memory_bytes())}" in message
    assert "GB" in message and message.endswith("use fewer or smaller samples")


def test_npz_zip_bomb_member_is_refused_before_it_is_inflated(
    tmp_path: Path, little_memory, monkeypatch: pytest.MonkeyPatch
) -> None:
    with zipfile.ZipFile(tmp_path / "bomb.npz", "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("x.npy", "w") as member:  # 48 MB of zeros, about 50 kB compressed
            member.write(npy_header((1_000_000, 6)))
            for _ in range(48):
                member.write(bytes(1_000_000))
        archive.writestr("y.npy", npy(np.zeros(1_000_000, np.int64)))
    assert (tmp_path / "bomb.npz").stat().st_size < 500_000
    little_memory(100_000_000)
    inflated: list[object] = []
    monkeypatch.setattr(np.lib.format, "read_array", lambda *args, **kwargs: inflated.append(args))
    message = load_error(spec("npz", path="bomb.npz"), tmp_path)
    assert "x is 1,000,000 × 6 float64 values" in message and "this machine has 100 MB" in message
    assert not inflated


def test_npz_member_that_is_not_an_npy_array_is_named(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "d.npz", "w") as archive:
        archive.writestr("x", b"plain bytes, not an array")
        archive.writestr("y.npy", npy(np.zeros(10)))
    message = load_error(spec("npz", path="d.npz"), tmp_path)
    assert message.startswith("d.npz: 'x' is not a NumPy array")


def test_npz_with_an_encrypted_member_is_a_dataset_error(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x.npy", npy(np.zeros((10, 2))))
        archive.writestr("y.npy", npy(np.zeros(10)))
    data = bytearray(buffer.getvalue())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # mark every member encrypted
        start = data.find(signature)
        while start >= 0:
            data[start + flag_offset] |= 1
            start = data.find(signature, start + 4)
    (tmp_path / "locked.npz").write_bytes(bytes(data))
    assert "locked.npz" in load_error(spec("npz", path="locked.npz"), tmp_path)


def test_npz_member_with_data_cut_short_is_called_damaged(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "cut.npz", "w") as archive:
        archive.writestr("x.npy", npy(np.zeros((10, 2)))[:-40])
        archive.writestr("y.npy", npy(np.zeros(10)))
    message = load_error(spec("npz", path="cut.npz"), tmp_path)
    assert message.startswith("cut.npz: array 'x' is damaged")


def test_memory_error_while_assembling_becomes_a_plain_dataset_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def out_of_memory(*args, **kwargs):
        raise MemoryError("Unable to allocate 1.10 TiB for an array with shape (150528000000,)")

    monkeypatch.setattr(loading_module, "assemble", out_of_memory)
    message = load_error(spec("xor"), None)
    assert message.startswith("dataset 'xor' does not fit in memory (this machine has") and "TiB" not in message


def test_format_bytes_writes_decimal_units_and_whole_gigabytes_above_a_terabyte() -> None:
    assert [memory.format_bytes(n) for n in (0, 999, 1500, 12_345_678, 9.99e9, 23e9, 1.204e12)] == [
        "0 bytes",
        "999 bytes",
        "1.5 kB",
        "12 MB",
        "10 GB",
        "23 GB",
        "1,204 GB",
    ]


def test_machine_memory_falls_back_when_the_platform_does_not_say(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def no_sysconf(name: str) -> int:
        raise ValueError(name)

    monkeypatch.setattr(memory.os, "sysconf", no_sysconf)
    monkeypatch.setattr(memory, "_MEMINFO", tmp_path / "absent")
    assert memory.machine_memory_bytes() == memory.FALLBACK_BYTES
    assert memory.available_memory_bytes() is None
    assert memory.usable_memory_bytes() == memory.FALLBACK_BYTES
    (tmp_path / "meminfo").write_text("MemTotal:  8000000 kB\nMemFree:  1000 kB\nMemAvailable:  2000000 kB\n")
    monkeypatch.setattr(memory, "_MEMINFO", tmp_path / "meminfo")
    assert memory.available_memory_bytes() == 2_048_000_000
    assert memory.describe_machine_memory() == "8.6 GB, 2.0 GB of it free"


# ---- 4. images: one image and a whole folder are bounded -----------------------------------------


def test_small_16_bit_png_that_would_decode_to_hundreds_of_megabytes_is_refused() -> None:
    data = png(4000, 4000, 16, 6)  # 16 megapixels of 16-bit RGBA: a ~130 kB file
    assert len(data) < 1_000_000
    with pytest.raises(DatasetError, match=r"^deep\.png is 4,000 × 4,000 pixels at 16-bit RGBA; decoding it needs"):
        decode_png_bytes(data, "deep.png")


def test_png_declaring_more_than_16_megapixels_is_refused_before_inflating(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_inflating():
        raise AssertionError("inflated")

    monkeypatch.setattr(image_module.zlib, "decompressobj", no_inflating)
    with pytest.raises(DatasetError, match=r"^wide\.png is 5,000 × 4,000 pixels, more than the 16 megapixels"):
        decode_png_bytes(png(5000, 4000, 8, 0, rows=1), "wide.png")


def test_image_from_another_decoder_beyond_16_megapixels_is_refused(tmp_path: Path, restore_decoders) -> None:
    register_image_decoder([".jpg"], lambda path: np.zeros((5000, 4000, 1), np.uint8))
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "0.jpg").write_bytes(b"")
    message = load_error(spec("image_folder", split=(0.5, 0.5, 0.0), path=str(tmp_path)), None)
    assert "0.jpg is 4,000 × 5,000 pixels, more than the 16 megapixels" in message


def test_big_photo_in_an_image_folder_is_converted_within_bounded_memory(tmp_path: Path, restore_decoders) -> None:
    photo = np.full((1500, 1500, 4), 120, np.uint8)  # 2.25 MP RGBA: converted whole it peaks at ~216 MB
    register_image_decoder([".jpg"], lambda path: photo)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "0.jpg").write_bytes(b"")
    clear_cache()
    tracemalloc.start()
    try:
        data = load_dataset(spec("image_folder", split=(0.5, 0.5, 0.0), path=str(tmp_path), size=16))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert data.info.input_shape == (1, 16, 16) and peak < 100_000_000


@given(
    hnp.arrays(np.uint8, st.tuples(st.integers(1, 90), st.integers(1, 90), st.sampled_from([1, 2, 3, 4]))),
    st.integers(4, 30),
    st.booleans(),
)
@settings(max_examples=40)
def test_converting_a_band_at_a_time_gives_the_same_pixels_as_converting_the_whole_image(
    image: np.ndarray, size: int, grayscale: bool
) -> None:
    whole = image_folder_module.resize(image_folder_module.to_channels(image, grayscale), size)
    saved = image_folder_module._BAND_PIXELS
    image_folder_module._BAND_PIXELS = 50  # force many bands on these small images
    try:
        banded = image_folder_module.prepare(image, size, grayscale)
    finally:
        image_folder_module._BAND_PIXELS = saved
    assert np.array_equal(whole, banded)


def test_image_folder_too_big_for_memory_is_refused_before_decoding_an_image(
    tmp_path: Path, little_memory, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder_of_pngs(tmp_path / "photos")
    little_memory(image_module.MAX_IMAGE_BYTES + 5_000_000)  # room for one image being decoded, little more
    loads = load_dataset(spec("image_folder", path=str(tmp_path / "photos"), size=16))  # 6 × 16 × 16: fits
    assert sum(loads.info.sizes) == 6

    def no_decoding(path: Path) -> np.ndarray:
        raise AssertionError(f"decoded {path}")

    monkeypatch.setattr(image_folder_module, "decode_image", no_decoding)
    message = load_error(spec("image_folder", path=str(tmp_path / "photos"), size=256, grayscale=False), None)
    assert message.startswith("photos: 6 images of 256 × 256 pixels × 3 channels; loading and standardising them")
    assert "use fewer images, or a smaller size or grayscale" in message


# ---- 5. values that overflow when standardised ----------------------------------------------------


def test_csv_values_near_the_float_limit_are_refused_naming_the_column(tmp_path: Path) -> None:
    lines = [f"{(-1) ** i * 1e308},{i},{i % 2}" for i in range(20)]
    write_csv(tmp_path / "d.csv", lines, header="x1,x2,label")
    assert load_error(spec("csv", path="d.csv"), tmp_path) == (
        "d.csv: column 'x1' has values up to 1e+308, too large to standardise; rescale the data (e.g. divide by 1e300)"
    )


def test_npz_column_whose_variance_overflows_is_named(tmp_path: Path) -> None:
    x = np.column_stack([np.arange(30.0), np.linspace(-1e160, 1e160, 30)])  # mean fine, squares overflow
    np.savez(tmp_path / "d.npz", x=x, y=np.arange(30) % 2, feature_names=np.array(["ok", "huge"]))
    assert "d.npz: column 'huge' has values up to 1e+160" in load_error(spec("npz", path="d.npz"), tmp_path)


def test_npz_images_beyond_float32_are_refused_naming_x(tmp_path: Path) -> None:
    x = np.ones((20, 1, 4, 4))
    x[3, 0, 1, 1] = 1e300
    np.savez(tmp_path / "img.npz", x=x, y=np.arange(20) % 2)
    message = load_error(spec("npz", path="img.npz"), tmp_path)
    assert message.startswith("img.npz: array 'x' has values up to 1e+300, more than float32 can hold")


def test_regression_target_whose_squared_error_overflows_float32_is_refused(tmp_path: Path) -> None:
    write_csv(tmp_path / "d.csv", [f"{i},{i * 1e20}" for i in range(20)], header="a,price")
    message = load_error(spec("csv", path="d.csv", task="regression"), tmp_path)
    assert "target column 'price' has values up to 1.9e+21" in message and "rescale the target" in message


@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(8, 30), st.integers(1, 3)),
        elements=st.floats(allow_nan=False, allow_infinity=False),
    )
)
@settings(max_examples=60)
def test_assembled_features_are_finite_or_refused_naming_a_column(x: np.ndarray) -> None:
    names = tuple(f"f{i}" for i in range(x.shape[1]))
    raw = RawData(
        x=x,
        y=np.arange(len(x)) % 2,
        task="classification",
        modality="features",
        class_names=("0", "1"),
        feature_names=names,
    )
    try:
        data = assemble(raw, "csv", (0.7, 0.15, 0.15), 0)
    except DatasetError as exc:
        assert "column 'f" in str(exc) and "too large to standardise" in str(exc)
    else:
        assert all(bool(torch.isfinite(t).all()) for t in (data.x_train, data.x_val, data.x_test))
        assert np.all(np.isfinite(data.point_features.mean if data.point_features else 0.0))


# ---- check and training agree --------------------------------------------------------------------


def _hostile_input(root: Path, case: str) -> tuple[DataSpec, str]:
    """The spec of one hostile input, written under `root`, and a fragment of the message expected."""
    if case == "unknown user":
        return spec("csv", path="~nosuchuser_4711/d.csv"), "no user 'nosuchuser_4711'"
    if case == "unclosed quote":
        write_csv(root / "quote.csv", table(3) + ['"1,2,0'] + table(5))
        return spec("csv", path="quote.csv"), "line 5: a quote"
    if case == "overflowing column":
        write_csv(root / "huge.csv", [f"{(-1) ** i * 1e308},{i},{i % 2}" for i in range(20)])
        return spec("csv", path="huge.csv"), "column 'a' has values up to 1e+308"
    if case == "npz too big":
        with zipfile.ZipFile(root / "big.npz", "w") as archive:
            archive.writestr("x.npy", npy_header((1_000_000, 3, 224, 224)))
            archive.writestr("y.npy", npy(np.zeros(1_000_000, np.int64)))
        return spec("npz", path="big.npz"), "loading and standardising it needs about"
    if case == "member not an array":
        with zipfile.ZipFile(root / "raw.npz", "w") as archive:
            archive.writestr("x", b"not an array")
            archive.writestr("y.npy", npy(np.zeros(10)))
        return spec("npz", path="raw.npz"), "'x' is not a NumPy array"
    folder_of_pngs(root / "deep")
    (root / "deep" / "cat" / "1.png").write_bytes(png(4000, 4000, 16, 6))
    return spec("image_folder", path="deep"), "1.png is 4,000 × 4,000 pixels at 16-bit"


@pytest.mark.parametrize(
    "case",
    ["unknown user", "unclosed quote", "overflowing column", "npz too big", "member not an array", "16-bit image"],
)
def test_describe_dataset_and_load_dataset_give_the_same_error(tmp_path: Path, case: str) -> None:
    data, fragment = _hostile_input(tmp_path, case)
    clear_cache()
    with pytest.raises(DatasetError) as described:
        describe_dataset(data, base_dir=tmp_path)
    loaded = load_error(data, tmp_path)
    assert str(described.value) == loaded and fragment in loaded
