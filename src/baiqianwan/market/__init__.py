"""技术市场: achievements listed for transfer, enquiries, and technology deals registered by a party,
confirmed by the other and by a bureau, counted where they are implemented (三(二)一是)."""
