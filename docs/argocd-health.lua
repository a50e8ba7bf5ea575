-- Argo CD health check for mailsub.dev/MailSubmission. Install it in argocd-cm:
--   resource.customizations.health.mailsub.dev_MailSubmission: |
--     <this file>
-- Argo CD runs the body with the live object in `obj` and reads the returned `hs`.
-- Tested with lua5.4 (tests/Mailsub.Chart.Tests/HealthCheckTests.cs) against tests/status-fixtures:
-- MailSubmissions the operator really wrote in its integration tests (StatusFixtureTests).
--   Healthy     Ready=True and status.observedGeneration == metadata.generation
--   Progressing no status yet, generation not yet observed, Reconciling=True, Ready Unknown,
--               or Ready=False with a reason that says work is under way
--   Degraded    Stalled=True, or Ready=False with any other reason
local hs = {}

-- Ready=False reasons that mean "wait", not "broken" (the controller's progress reasons).
local progressingReasons = {
  Progressing = true, Reconciling = true, Pending = true,
  DeploymentProgressing = true, CertificatePending = true, WaitingForCertificate = true,
  CertificateNotReady = true, ChildrenApplied = true,   -- reasons the operator writes while converging
}

if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Mailsub operator to report status"
  return hs
end

local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local conditions = {}
for _, c in ipairs(obj.status.conditions) do
  conditions[c.type] = c
end

local function describe(c)
  local text = c.type .. "=" .. tostring(c.status)
  if c.reason ~= nil and c.reason ~= "" then text = text .. " (" .. c.reason .. ")" end
  if c.message ~= nil and c.message ~= "" then text = text .. ": " .. c.message end
  return text
end

local stalled = conditions["Stalled"]
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(stalled)
  return hs
end

local reconciling = conditions["Reconciling"]
if reconciling ~= nil and reconciling.status == "True" then
  hs.status = "Progressing"
  hs.message = describe(reconciling)
  return hs
end

local ready = conditions["Ready"]
if ready == nil or ready.status == "Unknown" then
  hs.status = "Progressing"
  hs.message = ready ~= nil and describe(ready) or "No Ready condition yet"
  return hs
end

if ready.status == "True" then
  hs.status = "Healthy"
  local policy = obj.status.policy
  hs.message = (ready.message ~= nil and ready.message ~= "") and ready.message
    or ("Ready" .. (policy ~= nil and (", policy " .. policy) or ""))
  return hs
end

if progressingReasons[ready.reason or ""] then
  hs.status = "Progressing"
else
  hs.status = "Degraded"
end
hs.message = describe(ready)
return hs
