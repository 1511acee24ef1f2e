"""A proxy defined outside swap_plugin: all a new proxy needs is this one file.

Load it with ``swap-nas --plugin tests/plugins/toy_proxy.py correlate --proxies toy_l1 ...``
(or ``SWAP_PLUGINS=tests/plugins/toy_proxy.py``); NASLib then knows it as
``ZeroCost(method_type="toy_l1")``. tests/test_plugins.py runs both.
"""
import torch

from swap_plugin.proxies import register_proxy


@register_proxy("toy_l1")
def toy_l1(model, inputs, **ctx) -> float:
    """Mean |output| of the untrained network on the batch."""
    with torch.no_grad():
        return float(model(inputs).abs().mean())
