/**
 * Lighting commands back to the TALQ gateways (see ../README.md, "Commands"): a target
 * `illuminanceLevel` set on a Streetlight or StreetlightGroup by a flow becomes a TALQ
 * `targetLightCommand`, retried until the gateway acknowledges it, its outcome recorded as `lightCommand`.
 */
export { gatewayFor, loadLighting, parseLighting, type CommandSettings, type GatewayConfig, type LightingConfig } from './config';
export { startLightingCommands, type LightingCommands, type LightingCommandsOptions } from './controller';
export { createLightingNotificationRoute, LIGHTING_NOTIFICATION_PATH, type AttachableRoute } from './route';
export { lightingSubscription, lightingSubscriptionId } from './subscription';
export { talqCommandRequest, levelPercent } from './talq-command';
