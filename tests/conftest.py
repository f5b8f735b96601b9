import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True)
def _torch_default_dtype_untouched():
    """torch's default dtype is process-wide, and AppTest runs every page in the test process (as a server
    runs every visitor's session in one process): a test or a test module that sets it without restoring
    it breaks whatever builds a model afterwards (nn.Linear weights in float64 against float32 data)."""
    yield
    torch = sys.modules.get("torch")
    if torch is not None:
        assert torch.get_default_dtype() == torch.float32, (
            "torch's default dtype was left changed; restore it (as tests/optimizers/test_optimizers.py does)"
        )
