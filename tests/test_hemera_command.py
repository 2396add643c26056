"""``wgprove hash`` (wgprover.cli.hash.hash_files): the spec vectors are
its acceptance test, on the GPU and with --cpu."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from wgprover.hemera import reference as R
from wgprover.cli.hash import hash_files

VECTORS = json.loads((Path(__file__).parent / "vectors" / "hemera.json").read_text())
MESSAGES = {"empty": b"", "hello": b"hello", "hemera": b"hemera", "4k_zeros": bytes(4096)}


@pytest.fixture
def files(tmp_path):
    out = {}
    for name, data in MESSAGES.items():
        p = tmp_path / name
        p.write_bytes(data)
        out[name] = str(p)
    return out


def _lines(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("sponge,section", [(False, "tree"), (True, "hash")])
def test_vectors_gpu(files, capsys, ctx, sponge, section):
    names = list(VECTORS[section])
    assert hash_files([files[n] for n in names], sponge=sponge) == 0
    assert _lines(capsys) == [f"{VECTORS[section][n]}  {files[n]}" for n in names]


@pytest.mark.parametrize("sponge,section", [(False, "tree"), (True, "hash")])
def test_vectors_cpu(files, capsys, sponge, section):
    names = [n for n in VECTORS[section] if len(MESSAGES[n]) < 4096]  # the 4 KiB one: GPU test above
    assert hash_files([files[n] for n in names], sponge=sponge, cpu=True) == 0
    assert _lines(capsys) == [f"{VECTORS[section][n]}  {files[n]}" for n in names]


def test_stdin(monkeypatch, capsys, ctx):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"hello")))
    assert hash_files(["-"]) == 0
    assert _lines(capsys) == [f"{VECTORS['tree']['hello']}  -"]


def test_missing_file(files, capsys, ctx):
    assert hash_files([files["hello"], "/nonexistent/x"]) == 1
    cap = capsys.readouterr()
    assert cap.out.splitlines() == [f"{VECTORS['tree']['hello']}  {files['hello']}"]
    assert "/nonexistent/x" in cap.err and "No such file" in cap.err


def test_check(files, tmp_path, capsys, ctx):
    good = tmp_path / "good.sums"
    good.write_text(f"{VECTORS['tree']['hello']}  {files['hello']}\n{VECTORS['tree']['empty']}  {files['empty']}\n")
    assert hash_files([], check=str(good)) == 0
    assert _lines(capsys) == [f"{files['hello']}: OK", f"{files['empty']}: OK"]

    bad = tmp_path / "bad.sums"
    bad.write_text(f"{VECTORS['tree']['empty']}  {files['hello']}\n{VECTORS['tree']['empty']}  {files['empty']}\n"
                   f"{VECTORS['tree']['empty']}  /nonexistent/y\n")
    assert hash_files([], check=str(bad)) == 1
    cap = capsys.readouterr()
    assert cap.out.splitlines() == [f"{files['hello']}: FAILED", f"{files['empty']}: OK",
                                    "/nonexistent/y: FAILED open or read"]
    assert "1 computed checksum did NOT match" in cap.err and "1 listed file could not be read" in cap.err

    sponge = tmp_path / "sponge.sums"
    sponge.write_text(f"{VECTORS['hash']['hello'].upper()}  {files['hello']}\n")
    assert hash_files([], sponge=True, check=str(sponge)) == 0
    capsys.readouterr()


def test_check_usage_errors(files, tmp_path, capsys):
    bad = tmp_path / "malformed.sums"
    bad.write_text("not a checksum line\n")
    assert hash_files([], check=str(bad)) == 2
    assert "no properly formatted checksum lines" in capsys.readouterr().err
    assert hash_files([files["hello"]], check=str(bad)) == 2
    assert "takes no FILE" in capsys.readouterr().err
    assert hash_files([], check="/nonexistent/sums") == 1


def test_escaped_names_round_trip(tmp_path, capsys):
    p = tmp_path / "a\\b\nc"
    p.write_bytes(b"hemera")
    assert hash_files([str(p)], sponge=True, cpu=True) == 0
    line = capsys.readouterr().out
    shown = str(p).replace("\\", "\\\\").replace("\n", "\\n")
    assert line == f"\\{VECTORS['hash']['hemera']}  {shown}\n"
    sums = tmp_path / "sums"
    sums.write_text(line)
    assert hash_files([], sponge=True, cpu=True, check=str(sums)) == 0
    assert capsys.readouterr().out == f"\\{shown}: OK\n"


def test_streamed_file_matches_reference(tmp_path, capsys, ctx, rng):
    data = rng.integers(0, 256, 3 * 4096 + 17, dtype="uint8").tobytes()
    p = tmp_path / "data.bin"
    p.write_bytes(data)
    assert hash_files([str(p)], sponge=True) == 0
    assert _lines(capsys) == [f"{R.hash(data).hex()}  {p}"]


def test_progress_bar_on_a_terminal(tmp_path, monkeypatch, capsys, ctx):
    import wgprover.cli.hash as command

    class FakeTTY(io.StringIO):
        def isatty(self) -> bool:
            return True

    fake = FakeTTY()
    monkeypatch.setattr(command, "PROGRESS_MIN_BYTES", 1)
    monkeypatch.setattr("sys.stderr", fake)
    p = tmp_path / "f"
    p.write_bytes(b"hello")
    assert hash_files([str(p)]) == 0
    assert _lines(capsys) == [f"{VECTORS['tree']['hello']}  {p}"]
