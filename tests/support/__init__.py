"""What the tests share: databases to read, the real app and its browser, hostile names. Tests
import these modules (and conftest.py's fixtures), never each other."""
