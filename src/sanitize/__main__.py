from sanitize.launch import main

# Guarded: worker processes started by `spawn` (sanitize ui) import this module again.
if __name__ == "__main__":
    main()
