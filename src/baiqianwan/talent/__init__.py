"""人才与科普: 科研院校县域研究机构 (政策 三(七)一是), the 致富带头人 that 科技特派员 support and their
农业科技致富共同体 (三(六)二是), talent-programme selections in counties (三(八)二是), and the parts of
KPI-TALENT-SERVING."""
