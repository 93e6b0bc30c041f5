"""The chapter's settings: ``ChapterConfig`` is the one place where each setting, its
default, its help text and its check are written.

The command line is built from these fields (``cli.py``), recipes are overlays of
them (``recipes.py``), and ``check_config`` applies each field's check, the same one
the API uses. NumPy-free and TensorFlow-free, so ``--help`` answers at once.
"""

import dataclasses

from . import validation as v
from .errors import SettingError
from .recipes import RECIPES

MAX_HORIZON = 100_000        # points forecast past the data (and hallucinated)
MAX_ENSEMBLE = 100
MAX_ITERATIONS = 10_000_000
MAX_LAG = 100_000            # differencing lags and the season
MAX_BACKTEST = 100


def _option(default, help, *, check, metavar="N", parse=None, group="book", choices=None,
            flag=None):
    """A setting: its default, help text, check, and how the command line reads it.

    Args:
        check: ``check(value, name) -> value`` raising SettingError; the API and the
            command line both go through it.
        parse: text -> value for the command line (None: the text itself; "flag":
            an on/off switch).
        group: "book" (the book's settings), "beyond" (beyond the book), or None
            (not a command-line option).
    """
    return dataclasses.field(default=default, metadata=dict(
        help=help, check=check, metavar=metavar, parse=parse, group=group, choices=choices,
        flag=flag))


def parse_number(text):
    """Command-line text -> int or float, so that the setting's own check judges it."""
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            raise SettingError(f"expected a number; found {text!r}") from None


def parse_lags(text):
    """``"1,12"`` -> ``(1, 12)``; ``""``, ``"0"`` or ``"none"`` -> ``()``."""
    text = (text or "").strip().lower()
    if text in ("", "none", "0"):
        return ()
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise SettingError(f"diff takes lags such as '1' or '1,12'; found {text!r}") from None


def _count(maximum=None, why=""):
    return lambda value, name: v.check_positive_int(value, name, maximum, why)


def _optional_count(value, name):
    return v.check_optional_int(value, name)


def _non_negative(maximum):
    return lambda value, name: v.check_int(value, name, 0, maximum)


def _optional_season(value, name):
    return None if value is None else v.check_positive_int(value, name, MAX_LAG)


def _text(value, name):
    return v.check_text(value, name)


def _path(value, name):
    if value is None:
        return None
    if not isinstance(value, str) or not value or "\x00" in value:
        raise SettingError(f"{name} must be a file or folder path; found {value!r}")
    return value


def _flag(value, name):
    return v.check_flag(value, name)


def _choice(choices):
    return lambda value, name: v.check_choice(value, name, choices)


def _recipe(value, name):
    return None if value is None else v.check_choice(value, name, tuple(sorted(RECIPES)))


@dataclasses.dataclass(init=False)
class ChapterConfig:
    """Settings of the chapter run; every default is the book's (or its companion code's).

    Settings are given by keyword. A ``recipe`` fills in the settings not given, so
    ``ChapterConfig(recipe="auto", seed=3)`` is the run of ``--recipe auto --seed 3``;
    settings neither given nor in the recipe keep the book's defaults.
    """

    # ---- the book's settings (listings 10.4-10.9)
    data: str = _option(None, "CSV file of the series (default: the bundled airline "
                        "passengers)", check=_path, metavar="CSV")
    column: int = _option(1, "column of the values, counted from 0 (listing 10.7's "
                          "series_idx)", check=_non_negative(10_000), parse=parse_number)
    encoding: str = _option(None, "text encoding of the CSV (default: UTF-8, or UTF-16/32 "
                            "with a byte-order mark)", check=_text, metavar="NAME")
    seq_size: int = _option(5, "window length (listing 10.9)",
                            check=_count(v.MAX_SEQ_SIZE), parse=parse_number)
    hidden_dim: int = _option(100, "LSTM state size (listing 10.9)",
                              check=_count(v.MAX_HIDDEN_DIM, "a larger LSTM needs more "
                                           "memory than a CPU run can give"),
                              parse=parse_number)
    iterations: int = _option(1000, "Adam steps (listing 10.4)",
                              check=_count(MAX_ITERATIONS), parse=parse_number)
    learning_rate: float = _option(0.001, "Adam step size (Adam's default, which the "
                                   "book uses)", check=v.check_positive_float,
                                   metavar="LR", parse=parse_number)
    report_every: int = _option(100, "print progress and save a checkpoint every N steps "
                                "(listing 10.4)", check=_count(MAX_ITERATIONS),
                                parse=parse_number)
    percent_train: float = _option(0.80, "fraction of the series used for training "
                                   "(split_data's default)", check=v.check_fraction,
                                   metavar="P", parse=parse_number)
    horizon: int = _option(20, "points to forecast past the end of the data "
                           "(forecast.csv); the hallucination is drawn over the test "
                           "period, or this many points when longer (listing 10.9: 20)",
                           check=_count(MAX_HORIZON), parse=parse_number)
    seed: int = _option(0, "random seed; the book sets none, fixed here so runs repeat",
                        check=v.check_seed, parse=parse_number)
    out: str = _option("chapter10-output", "output folder: figures, metrics.json, "
                       "forecast.csv, run.json and the checkpoints", check=_path,
                       metavar="DIR")
    force: bool = _option(False, "replace files in --out that have an output's name but "
                          "were not written by series-predictor (never a folder's other "
                          "files, never through a link)", check=_flag, parse="flag",
                          group="beyond")
    units: str = _option(None, "label of the values' units (default: the header text)",
                         check=_text, metavar="TEXT")
    season: int = _option(None, "season length: the seasonal naive baseline's lag, and "
                          "what --recipe auto's candidates follow (default: inferred from "
                          "the time labels: quarters 4, months 12, weeks 52, days 7, hours "
                          "24, half hours 48, quarter hours 96; trading days, market "
                          "hours, years and row numbers none, i.e. 1, judged "
                          "against persistence)", check=_optional_season, parse=parse_number)
    patience: int = _option(None, "stop when the monitored error has not improved for N "
                            "reports, keeping the best weights (default: off; the "
                            "companion code uses 3). Without --validation it watches the "
                            "test period, so the test scores are then optimistic",
                            check=_optional_count, parse=parse_number)
    batch_size: int = _option(None, "mini-batch size (default: full batch, the book)",
                              check=_optional_count, parse=parse_number)
    normalize: str = _option("all", "mean/std from the whole series (the book) or from "
                             "the training windows only", check=_choice(("all", "train")),
                             metavar=None, choices=("all", "train"))
    # ---- beyond the book (all off by default, so the book's run stays the book's)
    log: bool = _option(False, "model the log of the values (positive series only)",
                        check=_flag, parse="flag", group="beyond")
    diff: tuple = _option((), "difference at these lags before windowing, e.g. 1, 12 or "
                          "1,12", check=lambda value, name: v.check_lags(value, name, MAX_LAG),
                          metavar="LAGS", parse=parse_lags, group="beyond")
    validation: int = _option(0, "carve the last N training points off: early stopping "
                              "and the validation scores look only at targets inside them, "
                              "and the test period is used once, for the final report",
                              check=_non_negative(MAX_HORIZON), parse=parse_number,
                              group="beyond")
    ensemble: int = _option(1, "train N predictors (seeds SEED..SEED+N-1) and combine "
                            "their forecasts by the median", check=_count(MAX_ENSEMBLE),
                            parse=parse_number, group="beyond")
    backtest: int = _option(0, "also refit at N forecast origins one season apart (a "
                            "test length apart without a season, or as far as the data "
                            "allow; an expanding window ending at the test split) and "
                            "report the errors by steps ahead, with backtest.png",
                            check=_non_negative(MAX_BACKTEST), parse=parse_number,
                            group="beyond")
    recipe: str = _option(None, "a preset of settings (see docs/recipes.md); options given "
                          "explicitly still win", check=_recipe, metavar=None,
                          choices=tuple(sorted(RECIPES)), group="beyond")
    fast_training: bool = _option(False, "train with several Adam steps per session.run "
                                  "(an in-graph loop; the same losses within a relative 1e-5; "
                                  "1.6x to 2x faster on the chapter's batch, less on "
                                  "large batches); off: the book's graph",
                                  check=_flag, parse="flag", group="beyond")
    quiet: bool = _option(False, "print only the results and warnings, not the progress",
                          check=_flag, parse="flag", group="beyond")

    def __init__(self, **given):
        unknown = sorted(set(given) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            raise TypeError(f"ChapterConfig() got an unexpected keyword argument {unknown[0]!r}")
        recipe = given.get("recipe")
        overlay = RECIPES.get(recipe, {}) if isinstance(recipe, str) else {}
        for f in dataclasses.fields(self):
            setattr(self, f.name, given.get(f.name, overlay.get(f.name, f.default)))

    @property
    def seeds(self):
        """The ensemble members' seeds: ``seed, seed+1, ...``."""
        return [self.seed + k for k in range(self.ensemble)]

    @property
    def transform_spec(self):
        """``(log, lags)``: the transform these settings ask for."""
        return self.log, tuple(self.diff)


def settings():
    """The fields of ``ChapterConfig``, in order."""
    return dataclasses.fields(ChapterConfig)


def check_config(config):
    """Return a checked copy of ``config``, or raise SettingError naming the setting.

    Each field's own check first, then the rules that tie settings together.
    Reads no file and starts nothing.
    """
    if not isinstance(config, ChapterConfig):
        raise SettingError(f"expected a ChapterConfig; found {type(config).__name__}")
    values = {f.name: f.metadata["check"](getattr(config, f.name), f.name) for f in settings()}
    checked = ChapterConfig(**values)
    v.check_seed(checked.seed, "seed", count=checked.ensemble)
    if checked.recipe in ("auto", "global") and (checked.log or checked.diff):
        from .option_names import option
        raise SettingError(f"{option('recipe', checked.recipe)} chooses the transform (log, "
                           "differencing) itself for each candidate; leave out "
                           f"{option('log')} and {option('diff')}, or use another recipe")
    if checked.validation and checked.validation < checked.seq_size:
        raise SettingError(
            f"validation must be at least seq_size ({checked.seq_size}) so that every "
            f"validation target lies inside the tail; found {checked.validation}")
    return checked


def with_recipe(name, **explicit):
    """The book's settings, overlaid by recipe ``name``, overlaid by ``explicit`` ones."""
    if name is not None and name not in RECIPES:
        raise SettingError(f"recipe must be one of {', '.join(sorted(RECIPES))}; found {name!r}")
    return ChapterConfig(**{**explicit, "recipe": name})
