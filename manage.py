#!/usr/bin/env python
from victimjourney.__main__ import main

if __name__ == "__main__":
    main()
