"""Rural tech finance (政策 三(三)): credit and the 科技信贷风险补偿 scheme, sub-funds, the
上市后备 pool and the service stations."""
