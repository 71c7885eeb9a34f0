"""`python -m unqa ...` is `unqa ...`."""
from unqa.cli import main

main()
