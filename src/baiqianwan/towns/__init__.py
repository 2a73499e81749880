"""创新型专业镇: application (认定) on the calls engine, the register, annual management and the
pairing of 珠三角 towns with 粤东西北 towns (三(五))."""
