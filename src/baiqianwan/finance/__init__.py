"""Rural tech finance (政策 三(三)): the 科技信贷风险补偿 scheme's arithmetic so far."""
