"""`python -m unqa.ingest ...` is `unqa ingest ...`."""
import sys

from unqa.cli import main

main(["ingest", *sys.argv[1:]])
