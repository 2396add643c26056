"""The ``wgprove`` command line: the user's round trip and its error paths
(one line, a documented exit code, never a traceback). Runs in-process through
``wgprover.cli.main`` on the real adapter."""

from __future__ import annotations

import pytest

from wgprover.cli import main

FAST = ["--queries", "4", "--pow-bits", "2", "--log-blowup", "1", "--fold", "2", "--final-log", "1"]


def _run(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as e:
        return int(e.code or 0)
    return 0


@pytest.fixture(scope="module")
def proved(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    trace, proof = str(d / "fib.wgtrace"), str(d / "fib.proof")
    assert _run(["example", "fibonacci", "-o", trace, "--log-rows", "5"]) == 0
    assert _run(["prove", trace, "-o", proof, *FAST]) == 0
    return d, trace, proof


def test_prove_then_verify_accepts(proved, capsys):
    _, _, proof = proved
    capsys.readouterr()
    assert _run(["verify", proof]) == 0
    assert "ACCEPT" in capsys.readouterr().out


def test_tampered_proof_rejected(proved, capsys):
    d, _, proof = proved
    blob = bytearray(open(proof, "rb").read())
    blob[200] ^= 1
    bad = d / "tampered.proof"
    bad.write_bytes(bytes(blob))
    assert _run(["verify", str(bad)]) == 1
    assert "REJECT" in capsys.readouterr().out


@pytest.mark.parametrize("keep", [0, 7, 100])
def test_truncated_proof_rejected_in_one_line(proved, capsys, keep):
    d, _, proof = proved
    bad = d / f"cut{keep}.proof"
    bad.write_bytes(open(proof, "rb").read()[:keep])
    assert _run(["verify", str(bad)]) != 0
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err


def test_violating_trace_refused(tmp_path, capsys):
    trace = str(tmp_path / "bad.wgtrace")
    assert _run(["example", "fibonacci", "-o", trace, "--log-rows", "5", "--corrupt", "9"]) == 0
    assert _run(["prove", trace, "-o", str(tmp_path / "bad.proof"), *FAST]) == 1
    err = capsys.readouterr().err
    assert "refusing to prove" in err and "row" in err
    assert not (tmp_path / "bad.proof").exists()  # nothing half-written


def test_missing_and_malformed_inputs(tmp_path, capsys):
    assert _run(["prove", str(tmp_path / "nope.wgtrace"), "-o", str(tmp_path / "x.proof")]) == 2
    junk = tmp_path / "junk.wgtrace"
    junk.write_bytes(b"WGTRACE1" + bytes(5))
    assert _run(["prove", str(junk), "-o", str(tmp_path / "x.proof")]) == 2
    out = capsys.readouterr()
    assert out.err.count("wgprove: error:") == 2 and "Traceback" not in out.err


def test_shaders_writes_modules_and_index(tmp_path, capsys):
    import json

    from wgprover.air.examples import get_example

    out = tmp_path / "sh"
    assert _run(["shaders", "--out", str(out), "--field", "babybear", "--example", "power"]) == 0
    doc = json.loads((out / "index.json").read_text())
    assert (doc["field"], doc["profile"], doc["field_path"]) == ("babybear", "webgpu-default", "portable")
    assert doc["air"] == get_example("power").air.name
    assert {p["module"] for p in doc["pipelines"]} == set(doc["modules"])
    assert all((out / m).is_file() for m in doc["modules"])
    air = tmp_path / "fib.json"
    air.write_text(get_example("fibonacci").air.to_json())
    assert _run(["shaders", "--out", str(tmp_path / "a"), "--air", str(air), "--profile", "max", "--portable"]) == 0
    assert json.loads((tmp_path / "a" / "index.json").read_text())["field_path"] == "portable"


@pytest.mark.parametrize("args", [["--example", "nope"], ["--field", "nope"], ["--example", "power", "--air", "x.toml"],
                                  ["--air", "/no/such/air.toml"]])
def test_shaders_bad_input_is_one_line(tmp_path, capsys, args):
    assert _run(["shaders", "--out", str(tmp_path / "o"), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("wgprove: error:") and not (tmp_path / "o").exists()
