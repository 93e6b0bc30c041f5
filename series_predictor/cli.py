"""The command line.

    series-predictor [OPTIONS]                     run the chapter (listing 10.9)
    series-predictor --dummy [--seed N]            run listing 10.6
    series-predictor forecast RUN_DIR [--horizon N] [--out FILE]
                                                   forecast from a kept run folder

``python simple_regression.py`` is the same program. The chapter's options are
built from ``ChapterConfig``'s fields; only the options typed on the command line
are passed on, so they win over a recipe. Every mistake ends in one line,
``PROG: error: ...``, and exit status 1. Parsing imports no TensorFlow.
"""

import argparse
import atexit
import os
import sys

from .collection_options import add_options as add_collection_options
from .collection_options import layout_of, run_from_args
from .config import settings, with_recipe
from .errors import OutputDirError, SeriesPredictorError, SettingError, TrainingInterrupted

DUMMY_OPTIONS = {"seed", "quiet"}


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit status 1."""

    def error(self, message):
        self.exit(1, f"{self.prog}: error: {message} (see --help)\n")


def _typed(parse):
    """An argparse ``type`` that reports a setting's own message."""
    def convert(text):
        try:
            return parse(text)
        except SettingError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    convert.__name__ = getattr(parse, "__name__", "value")
    return convert


def _default_text(default):
    if default is None or default == ():
        return ""
    if isinstance(default, bool):
        return f" (default: {'on' if default else 'off'})"
    return f" (default: {default})"


def _add_setting(group, field):
    meta = field.metadata
    flag = meta["flag"] or "--" + field.name.replace("_", "-")
    text = (meta["help"] + _default_text(field.default)).replace("%", "%%")
    if meta["parse"] == "flag":
        group.add_argument(flag, dest=field.name, action=argparse.BooleanOptionalAction,
                           help=text)
        return
    group.add_argument(flag, dest=field.name, help=text, metavar=meta["metavar"],
                       choices=meta["choices"],
                       type=_typed(meta["parse"]) if meta["parse"] else None)


def build_parser(prog=None):
    """The chapter's parser. Options not typed are absent from the parsed namespace."""
    parser = OneLineParser(
        prog=prog, argument_default=argparse.SUPPRESS,
        description="Chapter 10 of Machine Learning with TensorFlow: train the LSTM on a "
                    "series, predict the test period one step ahead, hallucinate it, score "
                    "both against naive baselines, and forecast past the data. Defaults are "
                    "the book's settings.",
        epilog="Forecast again from a kept run folder, without training: "
               "%(prog)s forecast RUN_DIR [--horizon N] [--out FILE]")
    parser.add_argument("--dummy", action="store_true",
                        help="run listing 10.6 on the dummy sequences instead (takes --seed)")
    groups = {"book": parser,
              "beyond": parser.add_argument_group(
                  "beyond the book (all off by default)",
                  "Transforms, a validation tail, an ensemble; --recipe bundles settings.")}
    for field in settings():
        if field.metadata["group"] is not None:
            _add_setting(groups[field.metadata["group"]], field)
    add_collection_options(parser)
    return parser


def build_forecast_parser(prog=None):
    parser = OneLineParser(
        prog=f"{prog or _prog()} forecast",
        description="Forecast past the end of the data from a kept run folder (the --out of "
                    "a finished run), without training and without the original CSV.")
    parser.add_argument("run_dir", metavar="RUN_DIR", help="the run folder")
    parser.add_argument("--horizon", type=_typed(int), default=None, metavar="N",
                        help="points to forecast (default: the run's --horizon)")
    parser.add_argument("--out", default=None, metavar="FILE",
                        help="write the CSV here (default, or -: standard output)")
    return parser


def config_from_args(args):
    """ChapterConfig: the book's defaults, then the recipe, then the options typed."""
    names = {field.name for field in settings()}
    typed = {name: value for name, value in vars(args).items() if name in names}
    return with_recipe(typed.pop("recipe", None), **typed)


def _prog():
    return os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "series-predictor"


def _run_dummy(args):
    extra = sorted(set(vars(args)) - DUMMY_OPTIONS - {"dummy"})
    if extra:
        raise SettingError("--dummy runs listing 10.6 with the book's settings and takes only "
                           "--seed (and --quiet); found "
                           + ", ".join("--" + e.replace("_", "-") for e in extra))
    from .dummy import run_dummy
    from .validation import check_seed
    run_dummy(seed=check_seed(getattr(args, "seed", 0)))


def _run_forecast(argv, prog):
    args = build_forecast_parser(prog).parse_args(argv)
    args.out = None if args.out == "-" else args.out  # a file named '-' was written
    from .kept_run import load_run
    from .safe_io import check_replaceable
    if args.out is not None:
        check_replaceable(args.out, "--out")
    kept = load_run(args.run_dir)
    if args.out is not None:
        from .run_folder import check_input_outside
        check_input_outside(args.out, "--out", kept.folder,
                            [m["folder"] for m in kept.manifest["members"]])
    forecast = kept.forecast(args.horizon)
    text = forecast.to_csv()
    if args.out is None:
        _print(text, end="")
    else:
        from .run_folder import write_text
        try:
            write_text(args.out, text)
        except OSError as exc:
            from .safe_io import write_error
            raise write_error(args.out, exc) from None
        from .time_axis import shown_time
        _print(f"Wrote {args.out} ({len(forecast.times)} points past the data, "
               f"{shown_time(forecast.times[0], forecast.utc, forecast.notation)} .. "
               f"{shown_time(forecast.times[-1], forecast.utc, forecast.notation)})")


def _dispatch(argv, prog, figure_workers=0):
    if argv and argv[0] == "forecast":
        return _run_forecast(argv[1:], prog)
    args = build_parser(prog).parse_args(argv)
    if getattr(args, "dummy", False):
        return _run_dummy(args)
    layout = layout_of(args)
    if layout != "single":
        return run_from_args(args, layout, config_from_args(args), log=_print)
    config = config_from_args(args)
    from . import figure_workers as workers
    with workers.installed(figure_workers):  # started before TensorFlow's import
        from .chapter import run_chapter
        run_chapter(config, log=_print)


def _print(*parts, end="\n"):
    """``print``, with a failure to write standard output (a full disk behind ``>``)
    said as such."""
    try:
        print(*parts, end=end, flush=True)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputDirError(f"cannot write to standard output: {exc.strerror or exc}") \
            from None


def main(argv=None, prog=None, *, figure_workers=0):
    """Run the command; return the exit status (0, 1 for an error, 130 when interrupted,
    143 when terminated by SIGTERM). ``figure_workers``: processes that draw a single
    run's figures while this one imports TensorFlow (``figure_workers.installed``;
    0: drawn in this process)."""
    prog = prog or _prog()
    argv = sys.argv[1:] if argv is None else list(argv)
    from .process_guard import sigterm_as_interrupt
    terminated = sigterm_as_interrupt()  # SIGTERM ends as Ctrl-C does, with exit 143
    try:
        _dispatch(argv, prog, figure_workers)
    except TrainingInterrupted as exc:
        print(f"{prog}: {exc}" + (" (SIGTERM)" if terminated() else ""), file=sys.stderr)
        return 143 if terminated() else 130
    except KeyboardInterrupt:
        print(f"{prog}: {'terminated (SIGTERM)' if terminated() else 'interrupted'}",
              file=sys.stderr)
        return 143 if terminated() else 130
    except BrokenPipeError:  # the reader of our output went away (e.g. `| head`)
        sys.stdout = open(os.devnull, "w")
        return 1
    except (SeriesPredictorError, OSError) as exc:
        message = " ".join(str(exc).split("\n"))
        command = f"{prog} forecast" if argv[:1] == ["forecast"] else prog
        print(f"{command}: error: {message}", file=sys.stderr)
        return 1
    return 0


def console_main():
    """The ``series-predictor`` command: ``main`` in a process of its own.

    No user code shares the process, so TensorFlow loads with tf-keras as its Keras
    (``TF_USE_LEGACY_KERAS=1``, unless the environment sets it otherwise): the book's
    BasicLSTMCell needs tf-keras anyway, and TensorFlow then never imports Keras 3
    (about a seventh of its import time; ``benchmarks/auto_phases.py``). The library
    leaves a user's ``tf.keras`` alone (``tf_compat``). A single run's figures are
    drawn by ``figure_workers.WORKERS`` processes started before TensorFlow's import
    (issue 18: about 1 s of matplotlib off the critical path).
    """
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    from .figure_workers import WORKERS
    return end_process(main(figure_workers=WORKERS))


def end_process(code):
    """Exit with ``code`` once the exit handlers have run, skipping the interpreter's
    teardown.

    With TensorFlow loaded, Python's own teardown (modules, threads, TensorFlow's
    C++ objects) took 2 to 3 s of CPU after the last output was written (docs/speed.md);
    nothing in it is this command's. Everything
    registered to run at exit does run first: the predictors' finalizers (a temporary
    checkpoint folder is removed, an ownership mark released), logging's flush; then
    the standard streams are flushed. Called only at the end of the command's own
    process (``console_main``), never by the library.
    """
    atexit._run_exitfuncs()  # weakref.finalize's and logging's handlers, among others
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with the descriptor closed (``>&-``)
            continue
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more to say
            pass
    os._exit(code)


if __name__ == "__main__":
    sys.exit(console_main())
