"""The one exception type for bad input: the command line prints it as a one-line error."""


class UserError(Exception):
    """Bad input from the user (unknown example, wrong data shape, mismatched checkpoint)."""
