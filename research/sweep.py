"""Sweeps: expand a config's ``[sweep]`` grid (and seeds) into runs, run them in parallel.

```toml
[sweep]
"model.params.C" = [0.5, 1.0, 4.0]
"model.params.min_df" = [1, 2]
```

Each grid point is an ordinary config (checked like one) and each (point, seed) an
ordinary run directory, so ``research compare`` reads a sweep like any runs. Runs go to
joblib's local process pool, or with ``scheduler`` to a ``dask.distributed`` cluster
through joblib's dask backend (``pip install research[dask]``).
"""

import dataclasses
import itertools
import re
from pathlib import Path

from research.config import load_config
from research.errors import ConfigError
from research.models import check_model_config
from research.progress import progress

__all__ = ["expand_sweep", "run_sweep"]

_SECTIONS = ("data", "model", "eval", "train")


def _set(cfg, dotted, value, where):
    """Return ``cfg`` with the dotted key set to ``value`` (a new frozen config)."""
    parts = dotted.split(".")
    if parts[0] == "model" and len(parts) == 3 and parts[1] == "params":
        model = dataclasses.replace(cfg.model, params={**cfg.model.params, parts[2]: value})
        return dataclasses.replace(cfg, model=model)
    if len(parts) == 2 and parts[0] in _SECTIONS:
        section = getattr(cfg, parts[0])
        if parts[1] not in {f.name for f in dataclasses.fields(section)}:
            raise ConfigError(f"{where}: sweep key '{dotted}' is not a config key")
        value = tuple(value) if isinstance(value, list) else value
        return dataclasses.replace(
            cfg, **{parts[0]: dataclasses.replace(section, **{parts[1]: value})}
        )
    raise ConfigError(
        f"{where}: sweep key '{dotted}' must look like 'model.params.C' or 'eval.bootstrap'"
    )


def _slug(value):
    return re.sub(r"[^A-Za-z0-9.]+", "-", str(value)).strip("-")


def expand_sweep(cfg):
    """Return ``[(config, point)]``: one config per grid point, named after its values."""
    if not cfg.sweep:
        raise ConfigError(f"{cfg.source}: no [sweep] table: nothing to expand")
    keys = sorted(cfg.sweep)
    points = []
    for values in itertools.product(*(cfg.sweep[k] for k in keys)):
        point = dict(zip(keys, values, strict=True))
        variant = cfg
        for key, value in point.items():
            variant = _set(variant, key, value, cfg.source)
        check_model_config(variant.model, cfg.source)
        suffix = "_".join(f"{k.split('.')[-1]}={_slug(v)}" for k, v in point.items())
        points.append((dataclasses.replace(variant, name=f"{cfg.name}_{suffix}", sweep={}), point))
    return points


def _one(cfg, seed, point, config_text, output_dir):
    from research.experiment import run_experiment

    return run_experiment(
        cfg,
        seed,
        command=("research", "sweep", cfg.source),
        config_text=config_text,
        output_dir=output_dir,
        extra={"sweep_point": point},
    )


def run_sweep(path, *, n_jobs=2, scheduler=None, output_dir=None, quiet=False):
    """Run every (grid point, seed) of the config at ``path``; return the run directories."""
    from joblib import Parallel, delayed, parallel_backend

    cfg = load_config(path)
    text = Path(path).read_text(encoding="utf-8")
    tasks = [
        delayed(_one)(variant, seed, point, text, output_dir)
        for variant, point in expand_sweep(cfg)
        for seed in cfg.seeds
    ]
    if scheduler is None:
        return list(
            progress(
                Parallel(n_jobs=n_jobs, return_as="generator")(tasks),
                total=len(tasks),
                desc="runs",
                unit="run",
            )
        )
    try:
        from dask.distributed import Client
    except ImportError:
        raise ConfigError(
            "--scheduler needs dask.distributed: pip install 'research[dask]'"
        ) from None
    with Client(scheduler, timeout="10s") as client, parallel_backend("dask", client=client):
        return list(Parallel(n_jobs=n_jobs)(tasks))
