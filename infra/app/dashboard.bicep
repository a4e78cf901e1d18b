// Azure Monitor workbook over Application Insights: objects synced / skipped / failed, Planhat
// calls and 429s, firehose calls, outbox depth and age, job durations, dead letters.
// Portal: Application Insights resource → Workbooks → the display name below.
param applicationInsightsName string
param location string
param tags object = {}
param displayName string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

var timeContext = { durationMs: 86400000 }

// One chart per figure: [name, title, KQL, visualization].
var charts = [
  {
    name: 'objects'
    title: 'Objects synced / skipped / failed (per 15 min)'
    query: 'customMetrics | where name in ("hullplanhat.objects.synced", "hullplanhat.objects.skipped", "hullplanhat.objects.failed") | summarize Objects = sum(valueSum) by Metric = name, bin(timestamp, 15m) | render timechart'
    visualization: 'timechart'
  }
  {
    name: 'synced-by-type'
    title: 'Synced by object type and direction'
    query: 'customMetrics | where name == "hullplanhat.objects.synced" | summarize Synced = sum(valueSum) by ObjectType = tostring(customDimensions.object_type), Direction = tostring(customDimensions.direction) | order by Synced desc'
    visualization: 'table'
  }
  {
    name: 'skipped-by-reason'
    title: 'Skipped by reason'
    query: 'customMetrics | where name == "hullplanhat.objects.skipped" | summarize Skipped = sum(valueSum) by Reason = tostring(customDimensions.reason), ObjectType = tostring(customDimensions.object_type) | order by Skipped desc'
    visualization: 'barchart'
  }
  {
    name: 'planhat-calls'
    title: 'Planhat API calls by status (per 15 min)'
    query: 'customMetrics | where name == "hullplanhat.planhat.calls" | summarize Calls = sum(valueSum) by Status = tostring(customDimensions.status), bin(timestamp, 15m) | render timechart'
    visualization: 'timechart'
  }
  {
    name: 'planhat-throttled'
    title: 'Planhat 429 responses (per 5 min)'
    query: 'customMetrics | where name == "hullplanhat.planhat.throttled" | summarize Throttled = sum(valueSum) by bin(timestamp, 5m) | render timechart'
    visualization: 'timechart'
  }
  {
    name: 'firehose-calls'
    title: 'Hull firehose calls by status (per 15 min)'
    query: 'customMetrics | where name == "hullplanhat.firehose.calls" | summarize Calls = sum(valueSum) by Status = tostring(customDimensions.status), bin(timestamp, 15m) | render timechart'
    visualization: 'timechart'
  }
  {
    name: 'outbox-depth'
    title: 'Outbox depth by object type'
    query: 'customMetrics | where name == "hullplanhat.outbox.depth" | summarize Depth = max(value) by ObjectType = tostring(customDimensions.object_type), bin(timestamp, 5m) | render timechart'
    visualization: 'timechart'
  }
  {
    name: 'outbox-age'
    title: 'Oldest outbox row (seconds)'
    query: 'customMetrics | where name == "hullplanhat.outbox.oldest_age_seconds" | summarize OldestSeconds = max(value) by bin(timestamp, 5m) | render timechart'
    visualization: 'timechart'
  }
  {
    name: 'job-durations'
    title: 'Job durations (seconds)'
    query: 'customMetrics | where name == "hullplanhat.job.duration" | summarize Runs = sum(valueCount), AvgSeconds = round(sum(valueSum) / sum(valueCount), 2), MaxSeconds = max(valueMax) by Job = tostring(customDimensions.job), Outcome = tostring(customDimensions.outcome) | order by Job asc'
    visualization: 'table'
  }
  {
    name: 'deadletters'
    title: 'Dead-lettered rows (per hour)'
    query: 'customMetrics | where name == "hullplanhat.deadletters" | summarize DeadLetters = sum(valueSum) by bin(timestamp, 1h) | render columnchart'
    visualization: 'barchart'
  }
]

var header = {
  type: 1
  name: 'header'
  content: {
    json: '## Hull ⇄ Planhat connector\nProduct metrics (meter `HullPlanhat`) exported through OpenTelemetry. Poison queues: `planhat-accounts-poison`, `planhat-users-poison`; dead letters: table `deadletters`.'
  }
}

var workbook = {
  version: 'Notebook/1.0'
  items: concat([ header ], map(charts, chart => {
    type: 3
    name: chart.name
    content: {
      version: 'KqlItem/1.0'
      title: chart.title
      query: chart.query
      size: 0
      timeContext: timeContext
      queryType: 0
      resourceType: 'microsoft.insights/components'
      visualization: chart.visualization
    }
  }))
  isLocked: false
  fallbackResourceIds: [
    applicationInsights.id
  ]
}

resource dashboard 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, applicationInsights.id, 'hullplanhat-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: applicationInsights.id
    serializedData: string(workbook)
    version: '1.0'
  }
}

output workbookId string = dashboard.id
