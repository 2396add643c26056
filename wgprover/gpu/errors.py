"""Errors of the GPU layer, each carrying a one-line message for the CLI."""


class GpuUnavailable(RuntimeError):
    """No usable adapter/device (the message names the fix)."""


class ShaderError(RuntimeError):
    """A WGSL module failed to compile or a kernel was bound wrongly."""
