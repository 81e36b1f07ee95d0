/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in for ESP-IDF's freertos/event_groups.h: only what boards/esp32 uses, declared as
 * in ESP-IDF v5. For a host compile check of the glue; NOT ESP-IDF. */
#ifndef STUB_EVENT_GROUPS_H
#define STUB_EVENT_GROUPS_H
#include "freertos/FreeRTOS.h"
typedef TickType_t EventBits_t;
typedef struct { void *pvDummy[8]; } StaticEventGroup_t;
typedef struct EventGroupDef_t *EventGroupHandle_t;
EventGroupHandle_t xEventGroupCreateStatic(StaticEventGroup_t *pxEventGroupBuffer);
EventBits_t xEventGroupSetBits(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToSet);
EventBits_t xEventGroupWaitBits(EventGroupHandle_t xEventGroup, const EventBits_t uxBitsToWaitFor,
                                const BaseType_t xClearOnExit, const BaseType_t xWaitForAllBits,
                                TickType_t xTicksToWait);
#endif
