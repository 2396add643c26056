"""Errors of the GPU layer, each carrying a one-line message for the CLI."""


class GpuUnavailable(RuntimeError):
    """No usable adapter/device (the message names the fix)."""


class ShaderError(RuntimeError):
    """A WGSL module failed to compile or a kernel was bound wrongly."""


class InputError(ValueError):
    """A WGPROVER_* variable read by the GPU layer has a bad value: bad input,
    one line, exit 2 (the CLI maps exceptions by class name, and this one is
    named like api.InputError so that the GPU layer need not import the API).
    """
