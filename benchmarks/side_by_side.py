"""K members one by one vs side by side in one graph (issue 18), on the airline data.

Both routes train the same members (seeds SEED..SEED+K-1) on the same windows with
the same steps: ``--recipe seasonal``'s preparation and settings with
``fast_training`` (one by one: K ``SeriesPredictor(fast_training=True)``, each its
own graph and session; side by side: one ``MemberGroup``). Each figure is the wall
time of building the graph(s) and of training (checkpoints included), the best of
``--repeats`` runs after a warm-up, TensorFlow's default threads; the losses of the
two routes are checked to agree (relative 1e-5).

Usage: python benchmarks/side_by_side.py [--members 5] [--iterations N] [--repeats 2]
       [--recipe seasonal|auto]
"""

import argparse
import os
import platform
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from series_predictor import stages  # noqa: E402
from series_predictor.config import with_recipe  # noqa: E402
from series_predictor.model import SeriesPredictor  # noqa: E402
from series_predictor.side_by_side import MemberGroup  # noqa: E402
from series_predictor.side_by_side_training import train_group  # noqa: E402


def one_by_one(config, prepared, seeds, folder):
    """-> (build seconds, train seconds, [losses])."""
    build = train = 0.0
    losses = []
    for seed in seeds:
        start = time.perf_counter()
        predictor = SeriesPredictor(1, config.seq_size, config.hidden_dim, seed=seed,
                                    learning_rate=config.learning_rate, fast_training=True,
                                    checkpoint_dir=os.path.join(folder, str(seed)))
        built = time.perf_counter()
        history = predictor.train(prepared.train_x, prepared.train_y, prepared.monitor_x,
                                  prepared.monitor_y, iterations=config.iterations,
                                  report_every=config.report_every, patience=config.patience,
                                  verbose=False)
        build, train = build + built - start, train + time.perf_counter() - built
        predictor.close()
        losses.append(history.loss)
    return build, train, losses


def side_by_side(config, prepared, seeds, folder):
    """-> (build seconds, train seconds, [losses])."""
    start = time.perf_counter()
    group = MemberGroup(seeds, [os.path.join(folder, str(s)) for s in seeds], config.seq_size,
                        config.hidden_dim, learning_rate=config.learning_rate)
    built = time.perf_counter()
    data = [(prepared.train_x, prepared.train_y, prepared.monitor_x, prepared.monitor_y)] * len(seeds)
    results = train_group(group, data, iterations=config.iterations,
                          report_every=config.report_every, patience=config.patience)
    trained = time.perf_counter()
    group.close()
    return built - start, trained - built, [r.loss for r in results]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--recipe", default="seasonal")
    args = parser.parse_args()
    explicit = {"fast_training": True, "ensemble": args.members, "quiet": True}
    if args.iterations:
        explicit["iterations"] = args.iterations
    config = with_recipe(args.recipe, **explicit)
    if config.season is None:
        config = with_recipe(args.recipe, season=12, **explicit)
    loaded = stages.read_stage(config)
    prepared = stages.prepare_stage(loaded, config)
    seeds = list(range(config.seed, config.seed + args.members))
    print(f"# {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"{platform.machine()}, Python {platform.python_version()}, load average "
          f"{os.getloadavg()[0]:.2f} at the start")
    print(f"# airline data, --recipe {args.recipe} with fast_training: {args.members} members "
          f"(seeds {seeds[0]}..{seeds[-1]}), {len(prepared.train_x)} windows of "
          f"{config.seq_size}, hidden_dim {config.hidden_dim}, up to {config.iterations} steps "
          f"(report every {config.report_every}, patience {config.patience}), TensorFlow's "
          "default threads; best of "
          f"{args.repeats} after a warm-up")
    best = {}
    for repeat in range(args.repeats + 1):
        for name, route in (("one by one", one_by_one), ("side by side", side_by_side)):
            with tempfile.TemporaryDirectory() as folder:
                build, train, losses = route(config, prepared, seeds, folder)
            if repeat and (name not in best or build + train < sum(best[name][:2])):
                best[name] = (build, train, losses)
    for a, b in zip(best["one by one"][2], best["side by side"][2]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    steps = sum(len(loss) for loss in best["one by one"][2])
    print(f"{'route':<14}{'build s':>9}{'train s':>9}{'total s':>9}{'ms/step':>9}")
    for name, (build, train, _) in best.items():
        print(f"{name:<14}{build:9.2f}{train:9.2f}{build + train:9.2f}"
              f"{1000 * train / steps:9.3f}")
    print(f"# {steps} member steps in all (early stopping per member); losses agree within "
          f"1e-5; load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
