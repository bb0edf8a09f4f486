# Type stubs of the compiled model functions (python/src/models_module.cpp; loads LibTorch).
from typing import Any, Dict, List, Union

import numpy as np

default_data_dir: str

def extract(model: str, data: Union[str, np.ndarray], layer: str, pool: str, batch_size: int, threads: int,
            data_dir: str, limit: int, subset: str, norm: str, image_dir: str, files: List[str], files_list: str,
            labels: str, resize: int, crop: int, skip_bad: bool) -> Dict[str, Any]: ...
def read_image(path: str) -> np.ndarray: ...
