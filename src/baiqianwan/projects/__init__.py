"""攻关 projects: topics drawn from accepted demands, the 大专项 and its task list, funded projects
with their contract, milestones, city matching funds, changes and acceptance (三(一), 四(二))."""
