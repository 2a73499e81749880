"""省创新创业基金 sub-funds and their investments, and the 上市后备科技企业 pool (政策 三(三)一是、三是)."""
