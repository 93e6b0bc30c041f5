"""Values made ready for JSON: ``json.dumps(..., allow_nan=False)`` then never fails on
a NaN or an infinity (they become ``null``). The standard library only."""

import math


def json_ready(value):
    """``value`` with every non-finite float replaced by None, so the JSON stays valid."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    return value
