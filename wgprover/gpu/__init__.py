"""The GPU runtime: adapter/device choice, shader composition, kernels, recorder."""

from .context import PROFILES, GpuContext, adapter_report, get_context
from .errors import GpuUnavailable, ShaderError

__all__ = ["GpuContext", "GpuUnavailable", "PROFILES", "ShaderError", "adapter_report", "get_context"]
