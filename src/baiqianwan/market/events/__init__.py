"""省实验室 and 省重点实验室 transfer events and training (三(二)三是)."""
