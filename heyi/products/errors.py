"""Error codes of standard products."""

from __future__ import annotations

from enum import StrEnum


class ProductsErrorCode(StrEnum):
    PRODUCT_NOT_FOUND = "product_not_found"
    NAME_TAKEN = "product_name_taken"
    PRICE_INVALID = "product_price_invalid"
    NOT_ON_SALE = "product_not_on_sale"
    NOT_OPERATOR = "product_not_operator"
    SIZE_INVALID = "product_size_invalid"
