"""Forecast from a kept run folder alone: ``load_run(path).forecast(horizon)``.

No training and no CSV: the folder's ``run.json`` holds the series' last values
and dates, the transform, the normalization, the members and the interval
calibration; each member's weights come from its checkpoint, read and run in NumPy
(``lstm_numpy``: no TensorFlow, so a forecast takes a second). Every file is
checked against the digest the run recorded, so a tampered folder is refused.
"""

import dataclasses
import os

import numpy as np

from . import data_loader
from .config import MAX_HORIZON
from .ensemble import Envelope, combine
from .errors import RunFolderError, SeriesPredictorError, SettingError
from .forecasting import Preprocessing
from .intervals import IntervalModel
from .lstm_numpy import hallucinator, read_weights
from .forecast_table import ForecastTable, no_bands_note
from .manifest_checks import check_member_checkpoint
from .option_names import option
from .ownership import check_manifest_path
from .run_folder import MANIFEST, read_manifest
from .validation import check_positive_int


@dataclasses.dataclass(frozen=True)
class KeptRun:
    """A checked run folder.

    Attributes:
        folder: where it is now (it may have been copied or moved).
        manifest: the checked contents of its ``run.json``.
    """

    folder: str
    manifest: dict

    @property
    def horizon(self):
        """The horizon the run forecast (``--horizon``)."""
        return self.manifest["horizon"]

    @property
    def units(self):
        return self.manifest["units"]

    def _notation(self):
        """The quarters' notation printed times keep (a known one only), or None."""
        from .time_axis import QUARTER_FORMS
        notation = self.manifest["tail"].get("notation")
        return notation if isinstance(notation, str) and notation in QUARTER_FORMS else None

    def _tail(self):
        tail = self.manifest["tail"]
        times = np.array(tail["times"], dtype=tail["time_unit"])
        return np.array(tail["values"], dtype=np.float64), times

    def _lowest(self, values):
        """The lowest value of the whole series (a folder older than the record: of
        ``values``, the tail's)."""
        lowest = self.manifest["tail"].get("lowest")
        return float(np.min(values)) if lowest is None else float(lowest)

    def _member_paths(self, values, horizon):
        """``[(seed, {"forecast": [horizon]})]``: each kept member's path past the data."""
        candidates = [Preprocessing.from_dict(c["preprocessing"])
                      for c in self.manifest["candidates"]]
        t0 = self.manifest["n_points"] - len(values)
        paths = []
        for member in self.manifest["members"]:
            prefix = check_manifest_path(self.folder, f"{member['folder']}/"
                                         f"{member['checkpoint']}", "the checkpoint")
            check_member_checkpoint(os.path.join(self.folder, MANIFEST), prefix,
                                    member["model_args"])
            weights = read_weights(prefix, member["model_args"]["hidden_dim"])
            paths.append((member["seed"], {"forecast": candidates[member["candidate"]].path(
                hallucinator(weights), values, len(values), horizon, t0,
                self._lowest(values))}))
        return paths

    def _structure_paths(self, values, horizon):
        """``[(k, {"forecast": [horizon]})]``: candidate ``k``'s structures alone, for a
        run whose network was left out and none of its members kept (``structures_alone``:
        at decay 0 a path does not depend on the network's output)."""
        t0 = self.manifest["n_points"] - len(values)
        return [(k, {"forecast": Preprocessing.from_dict(c["preprocessing"]).path(
            lambda window, steps: np.zeros(steps), values, len(values), horizon, t0,
            self._lowest(values))}) for k, c in enumerate(self.manifest["candidates"])]

    def forecast(self, horizon=None):
        """Forecast ``horizon`` points past the end of the data (default: the run's).

        Returns:
            ForecastTable, the same as the run's ``forecast.csv`` for the run's horizon.
        """
        horizon = check_positive_int(self.horizon if horizon is None else horizon,
                                     "horizon", MAX_HORIZON)
        try:
            return self._forecast(horizon)
        except SeriesPredictorError:  # SettingError is a TypeError too: not the manifest's
            raise
        except (KeyError, TypeError, IndexError, AttributeError) as exc:
            raise RunFolderError(f"{os.path.join(self.folder, MANIFEST)!r} does not describe "
                                 f"a run this version can read ({type(exc).__name__}: {exc})") \
                from None

    def _forecast(self, horizon):
        values, times = self._tail()
        future = data_loader.future_times(times, len(times), horizon)
        member_paths = self._member_paths(values, horizon)
        owners = {m["seed"]: m["candidate"] for m in self.manifest["members"]}
        if not member_paths:  # the network left out, every member dropped
            member_paths = self._structure_paths(values, horizon)
            owners = {k: k for k, _ in member_paths}
        combined = combine(member_paths, {"forecast": Envelope(**self.manifest["envelope"])},
                           owners)
        point = combined.forecasts["forecast"]
        if point is None:  # as the training run refuses it (chapter._require_forecasts)
            reasons = [why for by_task in combined.dropped.values() for why in by_task.values()]
            raise SettingError(
                f"no forecast for a horizon of {horizon}: every member left the plausible "
                f"range (first: {reasons[0] if reasons else 'no member'}); choose a shorter "
                + option("horizon", python="h"))
        intervals = self.manifest["intervals"]
        bands = (IntervalModel.from_dict(intervals).bands(point, self._lowest(values))
                 if intervals is not None and point is not None else {})
        members = {seed: paths["forecast"] for seed, paths in member_paths
                   if seed in combined.kept["forecast"]}
        dropped = {int(seed): why for seed, why in self.manifest["dropped"].items()}
        return ForecastTable(future, point, bands, members, {**dropped, **combined.dropped},
                             self.units,
                             "" if bands else no_bands_note(self.manifest["settings"]),
                             self.manifest["tail"].get("utc") is True, self._notation())


def load_run(path):
    """Open a kept run folder (``--out`` of a finished run), checking every file.

    Raises:
        RunFolderError: missing, incomplete, or changed after the run (names the file).
    """
    try:
        folder = os.path.expanduser(os.fsdecode(os.fspath(path)))
    except TypeError:
        raise SettingError(f"path must be the path of a run folder; found {path!r}") from None
    return KeptRun(folder, read_manifest(folder))
