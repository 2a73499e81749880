from ninja import Router

router = Router(tags=["创新创业子基金"])
