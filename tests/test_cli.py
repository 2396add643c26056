"""The ``wgprove`` command line in-process (``wgprover.cli.main``): the user's
round trip on the real adapter, the strict verifier's statement lines, and the
catch-all for internal errors. Bad-input paths run through the installed
console script in tests/test_cli_errors.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wgprover.cli import main
from wgprover.proof import air_digest
from wgprover.proof_file import write_proof_file
from wgprover.trace import read_trace

FAST = ["--queries", "4", "--pow-bits", "2", "--log-blowup", "1", "--fold", "2", "--final-log", "1",
        "--allow-insecure"]
GOLDEN = Path(__file__).parent / "vectors" / "golden"


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


def golden_proof_file(tmp_path: Path, name: str) -> tuple[str, object]:
    """A proof file made from a stored golden proof (no proving needed)."""
    tr = read_trace(GOLDEN / f"{name}.wgtrace")
    path = tmp_path / f"{name}.proof"
    write_proof_file(path, (GOLDEN / f"{name}.proof").read_bytes(), tr.air)
    return str(path), tr


def test_prove_then_verify_accepts(proved, capsys):
    _, _, proof = proved
    capsys.readouterr()
    assert _run(["verify", proof, "--min-security", "0"]) == 0
    assert "ACCEPT" in capsys.readouterr().out


def test_weak_proof_rejected_by_default(proved, capsys):
    _, _, proof = proved
    capsys.readouterr()
    assert _run(["verify", proof]) == 1
    out = capsys.readouterr().out
    assert "REJECT" in out and "below the required 100" in out


def test_tampered_proof_rejected(proved, capsys):
    d, _, proof = proved
    blob = bytearray(open(proof, "rb").read())
    blob[200] ^= 1
    bad = d / "tampered.proof"
    bad.write_bytes(bytes(blob))
    assert _run(["verify", str(bad), "--min-security", "0"]) == 1
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
    assert _run(["prove", trace, "-o", str(tmp_path / "bad.proof"), "--cpu", *FAST]) == 1
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


def test_verify_prints_digest_and_says_when_unpinned(tmp_path, capsys):
    proof, tr = golden_proof_file(tmp_path, "gl-boolean-n7-100bit")
    digest = air_digest(tr.air).hex()
    assert _run(["verify", proof, "--min-security", "92"]) == 0  # the stored proof has 92 bits
    out = capsys.readouterr().out
    assert f"AIR digest {digest}" in out and "statement taken from the proof file" in out and "ACCEPT" in out
    assert _run(["verify", proof]) == 1
    assert "92 bits of conjectured security, below the required 100" in capsys.readouterr().out
    assert _run(["verify", proof, "--air-digest", digest, "--min-security", "92"]) == 0
    out = capsys.readouterr().out
    assert "statement taken from the proof file" not in out and "ACCEPT" in out
    other = "00" * 32
    assert _run(["verify", proof, "--air-digest", other, "--min-security", "0"]) == 1
    assert "not the pinned" in capsys.readouterr().out
    assert _run(["verify", proof, "--air-digest", "xyz"]) == 2
    assert "64 hex digits" in capsys.readouterr().err


def test_verify_pins_some_public_inputs(tmp_path, capsys):
    proof, tr = golden_proof_file(tmp_path, "gl-fibonacci-n5")
    name, value = next(iter(tr.public.items()))
    assert _run(["verify", proof, "--min-security", "0", "--public", f"{name}={value}"]) == 0
    assert "ACCEPT" in capsys.readouterr().out
    assert _run(["verify", proof, "--min-security", "0", "--public", f"{name}={value + 1}"]) == 1
    assert f"public input {name} is {value}" in capsys.readouterr().out
    assert _run(["verify", proof, "--public", "zzz=5"]) == 2
    assert "no public input 'zzz'" in capsys.readouterr().err


def test_verify_with_air_file_pins_the_statement(tmp_path, capsys):
    proof, tr = golden_proof_file(tmp_path, "gl-fibonacci-n5")
    air = tmp_path / "fib.json"
    air.write_text(json.dumps(tr.air.to_dict()))
    assert _run(["verify", proof, "--air", str(air), "--min-security", "0"]) == 0
    assert "statement taken from the proof file" not in capsys.readouterr().out


def test_internal_error_is_one_line_and_debug_shows_it(tmp_path, capsys, monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("wgprover.api.verify_file", boom)
    proof, _ = golden_proof_file(tmp_path, "gl-fibonacci-n5")
    assert _run(["verify", proof]) == 70
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "internal error" in err and "--debug" in err
    with pytest.raises(RuntimeError, match="simulated bug"):
        main(["--debug", "verify", proof])


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
