"""The rules language: grammar → nodes → checker → compiler (and the reference interpreter)."""
