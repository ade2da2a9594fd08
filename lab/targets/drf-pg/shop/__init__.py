"""The drf-pg shop: a Django project and its one app (models, views, urls in one package)."""
