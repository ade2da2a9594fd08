"""The djrest-cookie API: a Django project and its one app (settings, urls, views, models)."""
