"""One cleaner per format, all behind the contract in sanitize.cleaners.base."""
