"""`python -m unqa.service ...` is `unqa serve ...`."""
import sys

from unqa.cli import main

main(["serve", *sys.argv[1:]])
