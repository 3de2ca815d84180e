/** The 43-byte transparent 1x1 GIF the Snowplow collector answers GET requests with. */
export const PIXEL_GIF: Buffer = Buffer.from('R0lGODlhAQABAPAAAP///wAAACH5BAUAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
