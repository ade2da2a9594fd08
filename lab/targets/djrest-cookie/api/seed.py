"""Tables and users. app.py hands every start a fresh, empty SQLite database; prepare() creates
the tables (the migrations of Django's apps, simplejwt's blacklist app where installed, and this
app's) and the users before the app listens. Passwords: $LAB_PASSWORD, $LAB_PASSWORD-bob."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

# (username, first name, password suffix)
USERS = [("alice", "Alice", ""), ("bob", "Bob", "-bob")]


def prepare() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    for username, first_name, suffix in USERS:
        get_user_model().objects.create_user(username, password=settings.LAB_PASSWORD + suffix,
                                             first_name=first_name)
