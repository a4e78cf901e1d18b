// Alert rules over what the product and the Functions host send to Application Insights.
// Product metrics arrive through OpenTelemetry as customMetrics (name = instrument name, tags in
// customDimensions); the Functions host's own logs arrive as traces.
param applicationInsightsName string
param location string
param tags object = {}
param namePrefix string

@description('E-mail address for the action group. Empty: no action group, alerts show in the portal only.')
param alertEmail string = ''

@description('How many Planhat 429 responses in 15 minutes count as "repeated".')
param throttledThreshold int = 20

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: 'ag-${namePrefix}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'hullplanhat'
    enabled: true
    emailReceivers: [
      {
        name: 'operator'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var actionGroupIds = empty(alertEmail) ? [] : [ resourceId('Microsoft.Insights/actionGroups', 'ag-${namePrefix}') ]

var rules = [
  {
    key: 'poison'
    displayName: 'Hull⇄Planhat: a message reached a poison queue'
    description: 'A queue message failed 5 times and the Functions host moved it to planhat-accounts-poison or planhat-users-poison. Inspect the poison queue, fix the cause, then re-queue the message.'
    severity: 1
    query: 'traces | where message has "MaxDequeueCount" or message contains "-poison" | summarize Moved = count()'
    measure: 'Moved'
    threshold: 0
    window: 'PT15M'
  }
  {
    key: 'deadletters'
    displayName: 'Hull⇄Planhat: rows dead-lettered'
    description: 'Outbox rows kept failing and were moved to the deadletters table (hullplanhat.deadletters). See the outgoing.*.error logs.'
    severity: 1
    query: 'customMetrics | where name == "hullplanhat.deadletters" | summarize DeadLetters = sum(valueSum)'
    measure: 'DeadLetters'
    threshold: 0
    window: 'PT15M'
  }
  {
    key: 'throttled'
    displayName: 'Hull⇄Planhat: Planhat keeps answering 429'
    description: 'Planhat rate-limited the connector repeatedly (hullplanhat.planhat.throttled). Lower Planhat__RequestsPerMinute or check other API users of the same Planhat tenant.'
    severity: 2
    query: 'customMetrics | where name == "hullplanhat.planhat.throttled" | summarize Throttled = sum(valueSum)'
    measure: 'Throttled'
    threshold: throttledThreshold
    window: 'PT15M'
  }
  {
    key: 'failedjobs'
    displayName: 'Hull⇄Planhat: a job failed'
    description: 'FlushOutbox, FetchCompanies or FetchEndusers ended with outcome=error (hullplanhat.job.duration).'
    severity: 2
    query: 'customMetrics | where name == "hullplanhat.job.duration" | where tostring(customDimensions.outcome) == "error" | summarize Failed = sum(valueCount)'
    measure: 'Failed'
    threshold: 0
    window: 'PT15M'
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for rule in rules: {
  name: 'alert-${namePrefix}-${rule.key}'
  location: location
  tags: tags
  properties: {
    displayName: rule.displayName
    description: rule.description
    severity: rule.severity
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: rule.window
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: rule.query
          timeAggregation: 'Total'
          metricMeasureColumn: rule.measure
          operator: 'GreaterThan'
          threshold: rule.threshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: actionGroupIds
    }
  }
  dependsOn: [ actionGroup ]
}]
