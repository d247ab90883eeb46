#!/usr/bin/env python
"""Django's command-line utility. Local work defaults to ATTUNE_ENV=development."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.settings")
    os.environ.setdefault("ATTUNE_ENV", "development")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
