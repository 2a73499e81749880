"""职务科技成果转化尽职免责 (三(二)二是): a unit's cases and its committee's decisions."""
