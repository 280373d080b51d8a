"""Generate the data set, then measure search and list latency (``make bench``).

    .venv/bin/python -m bench.run --customers 1000000 [--skip-generate] [--queries 1000] [--seed 7]
                                  [--database-url postgres://postgres@127.0.0.1:5432/aftersales_bench]
"""

from __future__ import annotations

import argparse

from . import generate, search_latency


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--skip-generate", action="store_true", help="measure the data already loaded")
    parser.add_argument("--queries", type=int, default=1000, help="queries of each kind per user")
    parser.add_argument("--seed", type=int, default=7, help="seed of the query sample")
    parser.add_argument("--data-seed", type=int, default=42, help="seed of the generated data")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    url = ["--database-url", args.database_url] if args.database_url else []
    if not args.skip_generate:
        generate.main(["--customers", str(args.customers), "--seed", str(args.data_seed), *url])
    search_latency.main(["--queries", str(args.queries), "--seed", str(args.seed), *url])


if __name__ == "__main__":
    main()
