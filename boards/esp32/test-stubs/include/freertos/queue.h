/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in for ESP-IDF's freertos/queue.h: only what boards/esp32 uses, declared as
 * in ESP-IDF v5. For a host compile check of the glue; NOT ESP-IDF. */
#ifndef STUB_QUEUE_H
#define STUB_QUEUE_H
#include "freertos/FreeRTOS.h"
typedef struct QueueDefinition *QueueHandle_t;
typedef struct { void *pvDummy[20]; } StaticQueue_t;
QueueHandle_t xQueueCreateStatic(UBaseType_t uxQueueLength, UBaseType_t uxItemSize,
                                 uint8_t *pucQueueStorage, StaticQueue_t *pxStaticQueue);
BaseType_t xQueueSend(QueueHandle_t xQueue, const void *pvItemToQueue, TickType_t xTicksToWait);
BaseType_t xQueueReceive(QueueHandle_t xQueue, void *pvBuffer, TickType_t xTicksToWait);
#endif
