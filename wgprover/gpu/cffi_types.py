"""wgpu-py's C type strings resolved without cffi's C parser (docs/ARCHITECTURE.md "Start-up").

wgpu-py (cffi ABI mode) names C types by strings: ``ffi.new("WGPUBufferDescriptor *")``,
``new_array("WGPUBindGroupEntry[]", ...)``. cffi parses each distinct string once per
process with pycparser, and each parse re-reads a prelude declaring every typedef of
wgpu's header: 20-45 ms a string, and a process that opens a device and proves meets
dozens of them. The declarations themselves were parsed once, when wgpu loaded its
header (``ffi._parser._declarations``).

``install()`` gives cffi's string cache (``ffi._parsed_types``) a ``__missing__``: a
string of the form ``NAME``, ``NAME *`` or ``NAME[]`` (NAME may be ``const``-qualified),
NAME a typedef of the header or a primitive C type, becomes the same model type
cffi's parser builds for it (cparser.Parser._get_type_and_quals: the typedef's type and qualifiers; then that type,
``model.PointerType(type, quals)`` or ``model.ArrayType(type, None)``); a callback
signature ``RET(ARG, ...)`` of such parts becomes ``model.RawFunctionType`` as in
Parser._parse_function_type, taken as a function pointer. Each is turned into the
backend ctype by cffi's own ``_get_cached_btype`` and stored in the cache as the parser's
result would be. cffi caches ctypes by model type (equal model types give the same
ctype), so the result *is* the parser's ctype (tests/test_startup.py checks every string
a proof uses). Why this is safe: anything else (variadic signatures, array or
function arguments, function pointers, ``struct X``, ``volatile``, multi-word
primitives, a name the header does not declare, a typedef of a function type)
raises KeyError, and cffi then parses the string as before; an FFI lacking the
internals used here, or a cffi outside the versions this was checked against,
is left untouched.
"""

from __future__ import annotations

import re

# cffi 1.10 (wgpu-py's floor) to 2.x keep these internals; checked with 2.1.1
_CFFI_VERSIONS = ((1, 10), (3, 0))
_SIMPLE = re.compile(r"\s*(const\s+)?([A-Za-z_]\w*)(\s+const)?\s*(\*|\[\])?\s*\Z")
_FUNCTION = re.compile(r"\s*([A-Za-z_]\w*\s*\*?)\s*\(([^()]*)\)\s*\Z")
# single words cffi's parser rewrites (``unsigned`` -> ``unsigned int``) or treats specially
_SPECIAL = frozenset({"short", "long", "signed", "unsigned", "__dotdotdot__"})


def _model_type(ffi, cdecl: str):
    """The cffi model type the parser gives ``cdecl``, or None where this module
    does not decide (the caller then leaves the string to the parser)."""
    from cffi import commontypes, model

    m = _SIMPLE.match(cdecl)
    if not m or m.group(2) in _SPECIAL:
        return None
    const_before, name, const_after, suffix = m.groups()
    declared = ffi._parser._declarations.get("typedef " + name)
    if declared is not None:
        item, quals = declared
    elif name == "void":
        item, quals = model.void_type, 0
    elif _primitive(name):
        item, quals = commontypes.resolve_common_type(ffi._parser, name)  # as the parser does
    else:
        return None
    if const_before or const_after:  # "const NAME" or "NAME const": a qualifier of NAME
        quals |= model.Q_CONST
    if isinstance(item, model.RawFunctionType):
        return None
    if suffix is None:
        return item
    return model.PointerType(item, quals) if suffix == "*" else model.ArrayType(item, None)


def _function_type(ffi, cdecl: str):
    """``RET(ARG, ...)`` (a callback signature: each part ``NAME`` or ``NAME *``,
    no argument names) as the parser's model.RawFunctionType, else None."""
    from cffi import model

    m = _FUNCTION.match(cdecl)
    if not m:
        return None
    parts = [m.group(1)] + m.group(2).split(",")
    types = [_model_type(ffi, part) if not part.strip().endswith("]") else None for part in parts]
    if any(tp is None or isinstance(tp, (model.ArrayType, model.RawFunctionType)) for tp in types):
        return None
    args = types[1:]
    if args == [model.void_type]:  # f(void): no arguments, as in cparser.Parser._parse_function_type
        args = []
    return model.RawFunctionType(tuple(args), types[0], False, None)


def _primitive(name: str) -> bool:
    """A C primitive type (uint8_t, char) that resolves without parsing anything."""
    from cffi import commontypes, model

    target = commontypes.COMMON_TYPES.get(name, name)
    return isinstance(target, str) and target in model.PrimitiveType.ALL_PRIMITIVE_TYPES


def resolve(ffi, cdecl: str):
    """The ctype of ``cdecl`` without the C parser (for a function signature: of
    a pointer to it, as cffi's ``callback`` takes it), or None (not a simple
    string, or cffi's lock is busy: the parser path then waits for it as usual)."""
    tp = _model_type(ffi, cdecl) or _function_type(ffi, cdecl)
    if tp is None or not ffi._lock.acquire(False):
        return None
    try:
        return ffi._get_cached_btype(tp.as_function_pointer() if tp.is_raw_function else tp)
    finally:
        ffi._lock.release()


class _TypeCache(dict):
    """cffi's string -> (ctype, is-a-function-type) cache, filling misses by resolve."""

    def __init__(self, ffi, entries) -> None:
        super().__init__(entries)
        self.ffi = ffi

    def __missing__(self, cdecl):
        btype = resolve(self.ffi, cdecl) if isinstance(cdecl, str) else None
        if btype is None:
            raise KeyError(cdecl)
        # what FFI._typeof_locked stores: the ctype, and whether the string was a function type
        self[cdecl] = (btype, _FUNCTION.match(cdecl) is not None)
        return self[cdecl]


def supported(ffi) -> bool:
    """Whether this cffi has the internals resolve() reads and writes."""
    import cffi
    from cffi import commontypes, model

    lo, hi = _CFFI_VERSIONS
    parser = getattr(ffi, "_parser", None)
    return (lo <= tuple(cffi.__version_info__[:2]) < hi
            and isinstance(getattr(ffi, "_parsed_types", None), dict)
            and isinstance(getattr(parser, "_declarations", None), dict)
            and callable(getattr(ffi, "_get_cached_btype", None))
            and hasattr(ffi, "_lock")
            and all(hasattr(model, n) for n in ("PointerType", "ArrayType", "PrimitiveType", "RawFunctionType",
                                                "void_type", "Q_CONST"))
            and callable(getattr(commontypes, "resolve_common_type", None))
            and isinstance(getattr(commontypes, "COMMON_TYPES", None), dict))


def install() -> bool:
    """Load wgpu-py's backend (gpu/cffi_header.py: from this machine's compiled
    tables where they exist) and, where it parsed its header instead, serve its
    simple type strings from the parsed declarations. True when type strings
    skip cffi's Python parser (a compiled FFI parses them in C). Idempotent; any
    failure leaves cffi as it was."""
    from .cffi_header import import_backend

    try:
        ffi = import_backend()
    except Exception:  # noqa: BLE001 - no wgpu-native backend: nothing to speed up
        return False
    if not hasattr(ffi, "_parser"):  # cffi's compiled FFI: its C parser reads type strings
        return True
    try:
        if isinstance(ffi._parsed_types, _TypeCache):
            return True
        if not supported(ffi):
            return False
        with ffi._lock:
            ffi._parsed_types = _TypeCache(ffi, ffi._parsed_types)
    except Exception:  # noqa: BLE001 - unexpected internals: keep cffi's own path
        return False
    return True
