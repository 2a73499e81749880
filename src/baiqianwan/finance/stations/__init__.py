"""科技金融服务中心 and the stations they extend to counties, towns and villages (政策 三(三)三是)."""
