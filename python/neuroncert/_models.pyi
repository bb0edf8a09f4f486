# Type stubs of the compiled model functions (python/src/models_module.cpp; loads LibTorch).
from typing import Any, Dict, Union

import numpy as np

default_data_dir: str

def extract(model: str, data: Union[str, np.ndarray], layer: str, pool: str, batch_size: int, threads: int,
            data_dir: str, limit: int, subset: str, norm: str) -> Dict[str, Any]: ...
