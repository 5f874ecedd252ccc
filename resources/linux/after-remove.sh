#!/bin/sh
# PocketForge keeps each user's data folder (~/.local/share/pocketforge: keys, ledger, models) on removal.
# Delete it by hand only after backing up your keys.
exit 0
