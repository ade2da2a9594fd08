"""JSON shapes: hyperlinked, as DRF's DefaultRouter APIs are (every object carries its `url`)."""
from rest_framework import serializers

from .models import Order, Product


class ProductSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Product
        fields = ["url", "sku", "name", "price_eur"]
        extra_kwargs = {"url": {"lookup_field": "sku"}}


class OrderSerializer(serializers.HyperlinkedModelSerializer):
    product = serializers.HyperlinkedRelatedField(view_name="product-detail", lookup_field="sku", read_only=True)

    class Meta:
        model = Order
        fields = ["url", "id", "product", "quantity", "placed_at"]
